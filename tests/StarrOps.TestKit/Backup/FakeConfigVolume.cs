using System.Collections.Concurrent;
using System.Formats.Tar;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.TestKit.Backup;

/// <summary>
/// A pod's config volume for the fake API server's exec: files by path under <see cref="MountPath"/>, and the
/// commands StarrOps runs against it — <c>cat FILE</c>, <c>tar -C DIR [--exclude=…] -cf - .</c> (a real tar, streamed),
/// <c>sh -c "find … -delete-ish && tar -C DIR -xf -"</c> (replace the content from stdin) and <c>touch FILE</c>.
/// Files can be generated on the fly (<see cref="AddGeneratedFile"/>) so a 1 GiB volume needs no memory.
/// </summary>
public sealed class FakeConfigVolume
{
    private readonly ConcurrentDictionary<string, Func<Stream>> _files = new(StringComparer.Ordinal);

    public FakeConfigVolume(string mountPath = "/config") => MountPath = mountPath.TrimEnd('/');

    public string MountPath { get; }

    /// <summary>Commands seen, for assertions.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Fails the next command that writes to stdout after this many bytes (a connection that breaks off).</summary>
    public long? BreakAfterBytes { get; set; }

    /// <summary>Paths relative to the mount ("sonarr.db", "Backups/manual/x.zip").</summary>
    public IReadOnlyCollection<string> Files => _files.Keys.ToArray();

    public void SetFile(string relativePath, byte[] content) => _files[Normalise(relativePath)] = () => new MemoryStream(content, writable: false);

    /// <summary>A file whose content is produced when it is read (e.g. a backup the emulated app made).</summary>
    public void SetFile(string relativePath, Func<byte[]?> content) =>
        _files[Normalise(relativePath)] = () => new MemoryStream(content() ?? throw new FileNotFoundException(relativePath), writable: false);

    /// <summary>A file of <paramref name="size"/> pseudo-random bytes, generated as it is read.</summary>
    public void AddGeneratedFile(string relativePath, long size, int seed = 1) => _files[Normalise(relativePath)] = () => new GeneratedStream(size, seed);

    /// <summary>Content for files not set explicitly (e.g. <c>Backups/manual/NAME</c> from <see cref="EmulatedArr.BackupFile"/>); null when missing.</summary>
    public Func<string, byte[]?>? Fallback { get; set; }

    public byte[]? Read(string relativePath)
    {
        if (!_files.TryGetValue(Normalise(relativePath), out var open)) return null;
        using var stream = open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Serves every exec into <paramref name="pod"/>.</summary>
    public void Attach(FakeKubernetesApiServer server, string @namespace, string pod) => server.SetExecHandler(@namespace, pod, HandleAsync);

    public async Task<int> HandleAsync(ExecRequest request, Stream stdin, Stream stdout, Stream stderr)
    {
        Commands.Enqueue(request.CommandLine);
        var command = request.Command.ToArray();
        var output = BreakAfterBytes is { } limit ? new BreakingStream(stdout, limit) : stdout;
        switch (command)
        {
            case ["cat", var path]:
                Func<Stream>? open = null;
                if (TryRelative(path, out var relative) && !_files.TryGetValue(relative, out open) && Fallback?.Invoke(relative) is { } fallback)
                    open = () => new MemoryStream(fallback, writable: false);
                if (open is null)
                {
                    await stderr.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"cat: can't open '{path}': No such file or directory\n"));
                    return 1;
                }
                await using (var data = open()) await data.CopyToAsync(output, 32 * 1024);
                return 0;
            case ["tar", "-C", var directory, .. var rest] when rest.Length >= 3 && rest[^3] == "-cf" && rest[^2] == "-" && rest[^1] == ".":
                var excluded = rest.Take(rest.Length - 3).Where(a => a.StartsWith("--exclude=./", StringComparison.Ordinal)).Select(a => a["--exclude=./".Length..]).ToList();
                await WriteTarAsync(directory, excluded, output);
                return 0;
            case ["sh", "-c", var script] when script.Contains("tar -C", StringComparison.Ordinal) && script.Contains("-xf -", StringComparison.Ordinal):
                _files.Clear();
                await ReadTarAsync(stdin);
                return 0;
            case ["touch", _]:
                return 0;
            default:
                await stderr.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"sh: {request.CommandLine}: not found\n"));
                return 127;
        }
    }

    private async Task WriteTarAsync(string directory, List<string> excluded, Stream output)
    {
        var prefix = directory.TrimEnd('/') == MountPath ? "" : (TryRelative(directory, out var sub) ? sub + "/" : throw new DirectoryNotFoundException(directory));
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (path, open) in _files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var name = path[prefix.Length..];
            if (excluded.Any(e => name == e || name.StartsWith(e + "/", StringComparison.Ordinal))) continue;
            await using var data = open();
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "./" + name) { DataStream = data };
            await tar.WriteEntryAsync(entry);
        }
    }

    private async Task ReadTarAsync(Stream stdin)
    {
        await using var tar = new TarReader(stdin);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
            var copy = new MemoryStream();
            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(copy);
            SetFile(entry.Name, copy.ToArray());
        }
    }

    private bool TryRelative(string path, out string relative)
    {
        relative = "";
        if (!path.StartsWith(MountPath + "/", StringComparison.Ordinal)) return false;
        relative = Normalise(path[(MountPath.Length + 1)..]);
        return true;
    }

    private static string Normalise(string path)
    {
        var p = path.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        return p.TrimStart('/');
    }

    /// <summary>Deterministic pseudo-random bytes (xorshift), produced 64 KiB at a time.</summary>
    private sealed class GeneratedStream(long length, int seed) : Stream
    {
        private long _position;
        private ulong _state = (ulong)seed * 0x9E3779B97F4A7C15UL | 1;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < n; i++)
            {
                if ((i & 7) == 0)
                {
                    _state ^= _state << 13;
                    _state ^= _state >> 7;
                    _state ^= _state << 17;
                }
                buffer[i] = (byte)(_state >> ((i & 7) * 8));
            }
            _position += n;
            return n;
        }

        // Seekable only so that TarWriter can learn the length up front (it seeks nowhere but the current position).
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) =>
            (origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? _position + offset : length + offset) == _position
                ? _position : throw new NotSupportedException("A generated stream is read forwards only.");
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Writes through until a limit, then fails as a dropped connection would.</summary>
    private sealed class BreakingStream(Stream inner, long limit) : Stream
    {
        private long _written;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var allowed = (int)Math.Max(0, Math.Min(buffer.Length, limit - _written));
            if (allowed > 0) await inner.WriteAsync(buffer[..allowed], cancellationToken);
            _written += allowed;
            if (allowed < buffer.Length) throw new IOException("connection reset by peer");
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
