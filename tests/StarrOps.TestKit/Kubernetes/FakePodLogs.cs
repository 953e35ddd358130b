using System.Text;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>The log of one container: text so far, and whether the container has ended (followers then stop).</summary>
internal sealed class FakePodLog
{
    private readonly object _gate = new();
    private readonly StringBuilder _text = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Completed { get; private set; }

    public void Append(string text)
    {
        lock (_gate)
        {
            _text.Append(text);
            Signal();
        }
    }

    public void Complete()
    {
        lock (_gate)
        {
            Completed = true;
            Signal();
        }
    }

    /// <summary>The text from <paramref name="offset"/> on, and a task that completes on the next change.</summary>
    public (string Text, bool Completed, Task Changed) Read(int offset)
    {
        lock (_gate) return (_text.ToString(offset, _text.Length - offset), Completed, _changed.Task);
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
