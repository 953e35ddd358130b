using System.Security.Cryptography;
using System.Text;
using StarrOps.Core;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Tests.Kubernetes;

public sealed class PodExecTests
{
    private const string Media = FakeMediaStack.Namespace;

    [Fact]
    public async Task Exec_returns_stdout_and_exit_code_zero()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.SetFile(Media, "sonarr-0", "/config/config.xml", "<Config><ApiKey>abc</ApiKey></Config>");
        using var client = cluster.Client();

        var hostname = await client.ExecAsync(Media, "qbittorrent-0", "qbittorrent", ["cat", "/etc/hostname"], null, CancellationToken.None);
        var config = await client.ExecAsync(Media, "sonarr-0", null, ["cat", "/config/config.xml"], null, CancellationToken.None);

        Assert.Equal(new ExecResult(0, "qbittorrent-0\n", "") { Target = hostname.Target }, hostname);
        Assert.Equal("<Config><ApiKey>abc</ApiKey></Config>", config.Stdout);
        var upgrade = cluster.Server.Requests.First(r => r.PathAndQuery.Contains("/exec?", StringComparison.Ordinal));
        Assert.Equal("/api/v1/namespaces/media/pods/qbittorrent-0/exec?command=cat&command=%2Fetc%2Fhostname&container=qbittorrent&stderr=1&stdin=0&stdout=1&tty=0",
            upgrade.PathAndQuery);
    }

    [Fact]
    public async Task A_failing_command_returns_its_exit_code_and_stderr_and_EnsureSuccess_explains_it()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var missing = await client.ExecAsync(Media, "sonarr-0", "sonarr", ["cat", "/config/nope.xml"], null, CancellationToken.None);
        var exit3 = await client.ExecAsync(Media, "sonarr-0", "sonarr", ["sh", "-c", "exit 3"], null, CancellationToken.None);
        var error = Assert.Throws<KubernetesException>(() => missing.EnsureSuccess());

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("cat: can't open '/config/nope.xml': No such file or directory\n", missing.Stderr);
        Assert.Equal(3, exit3.ExitCode);
        Assert.Equal(KubernetesFailure.CommandFailed, error.Failure);
        Assert.Equal(1, error.ExitCode);
        Assert.Equal("'cat /config/nope.xml' in container \"sonarr\" of pod \"sonarr-0\" in namespace \"media\" exited with code 1: cat: can't open '/config/nope.xml': No such file or directory",
            error.Message);
    }

    [Fact]
    public async Task A_command_that_cannot_start_is_an_error_without_exit_code()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            client.ExecAsync(Media, "sonarr-0", "sonarr", ["wget", "-qO-", "http://ip-echo/"], null, CancellationToken.None));

        Assert.Equal(KubernetesFailure.CommandFailed, error.Failure);
        Assert.Null(error.ExitCode);
        Assert.Contains("'wget -qO- http://ip-echo/' in container \"sonarr\" of pod \"sonarr-0\" in namespace \"media\" could not be run", error.Message);
        Assert.Contains("executable file not found in $PATH", error.Message);
    }

    [Fact]
    public async Task A_pluggable_handler_emulates_the_egress_ip_seen_from_a_container()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.SetExecHandler(Media, "qbittorrent-0", async (request, _, stdout, stderr) =>
        {
            if (request.CommandLine != "wget -qO- http://ip-echo/") return 127;
            var ip = request.Container == "gluetun" || request.Container == "qbittorrent" ? "203.0.113.7" : "198.51.100.1";
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(ip));
            return 0;
        });
        using var client = cluster.Client();

        var result = await client.ExecAsync(Media, "qbittorrent-0", "qbittorrent", ["wget", "-qO-", "http://ip-echo/"], null, CancellationToken.None);

        Assert.Equal("203.0.113.7", result.EnsureSuccess().Stdout);
    }

    [Fact]
    public async Task Stdin_is_streamed_in_and_closed_so_the_command_sees_its_end()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.SetExecHandler(Media, "sonarr-0", async (request, stdin, stdout, _) =>
        {
            // tar -x emulation: consume everything, then report what arrived.
            var hash = await SHA256.HashDataAsync(stdin);
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(Convert.ToHexString(hash) + " " + request.Stdin));
            return 0;
        });
        using var client = cluster.Client();
        var archive = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);

        var result = await client.ExecAsync(Media, "sonarr-0", "sonarr", ["tar", "-x", "-C", "/config"], new MemoryStream(archive), CancellationToken.None);

        Assert.Equal(Convert.ToHexString(SHA256.HashData(archive)) + " True", result.Stdout);
    }

    [Fact]
    public async Task ExecStream_writes_a_large_stdout_to_the_callers_stream_as_it_arrives()
    {
        await using var cluster = await FakeCluster.StartAsync();
        const int size = 24 * 1024 * 1024 + 5;
        var expectedHash = await SHA256.HashDataAsync(new DeterministicStream(size));
        cluster.Server.SetExecHandler(Media, "sonarr-0", async (_, _, stdout, stderr) =>
        {
            await new DeterministicStream(size).CopyToAsync(stdout, 256 * 1024);
            await stderr.WriteAsync("tar: removing leading '/' from member names\n"u8.ToArray());
            return 0;
        });
        using var client = cluster.Client();
        using var sink = new HashingSink();

        var result = await client.ExecStreamAsync(Media, "sonarr-0", "sonarr", ["tar", "-c", "-C", "/config", "."], null, sink, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(size, result.StdoutBytes);
        Assert.Equal(size, sink.Length);
        Assert.Equal(expectedHash, sink.Hash());
        Assert.Equal("tar: removing leading '/' from member names\n", result.Stderr);
        Assert.True(sink.LargestWrite <= 64 * 1024, "stdout is copied message by message, never gathered whole");
    }

    [Fact]
    public async Task On_a_v4_only_server_exec_works_without_stdin_and_refuses_stdin_clearly()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.ExecProtocols = [FakeExecSession.V4];
        using var client = cluster.Client();

        var result = await client.ExecAsync(Media, "sonarr-0", "sonarr", ["sh", "-c", "exit 4"], null, CancellationToken.None);
        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            client.ExecAsync(Media, "sonarr-0", "sonarr", ["tar", "-x"], new MemoryStream([1, 2, 3]), CancellationToken.None));

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("needs the v5.channel.k8s.io protocol (Kubernetes 1.30 or later)", error.Message);
    }

    [Fact]
    public async Task Cancelling_a_running_exec_stops_it()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var started = new TaskCompletionSource();
        cluster.Server.SetExecHandler(Media, "sonarr-0", async (_, stdin, _, _) =>
        {
            started.SetResult();
            await stdin.CopyToAsync(Stream.Null); // never ends: the client keeps stdin open
            return 0;
        });
        using var client = cluster.Client();
        using var cancel = new CancellationTokenSource();
        var endless = new BlockingStream();

        var exec = client.ExecAsync(Media, "sonarr-0", "sonarr", ["cat"], endless, cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exec);
    }

    /// <summary>Bytes 0..255 repeating, generated on the fly.</summary>
    private sealed class DeterministicStream(long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = (byte)((_position + i) % 251);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Hashes what is written and remembers the largest single write.</summary>
    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public int LargestWrite { get; private set; }
        public byte[] Hash() => _hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            _length += count;
            LargestWrite = Math.Max(LargestWrite, count);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A stdin that never yields data until cancelled.</summary>
    private sealed class BlockingStream : Stream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
