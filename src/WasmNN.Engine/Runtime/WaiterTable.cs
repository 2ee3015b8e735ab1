using System.Diagnostics;

namespace WasmNN.Engine.Runtime;

/// <summary>
/// The threads blocked in <c>memory.atomic.wait32/64</c> on one shared memory, queued per address in arrival order
/// (the proposal wakes the oldest waiters first). One lock orders a waiter's compare-and-enqueue against notifiers,
/// so a notify that follows a store the waiter has not seen yet cannot be lost.
/// </summary>
internal sealed class WaiterTable
{
    /// <summary><c>memory.atomic.wait</c> results.</summary>
    internal const int Woken = 0, NotEqual = 1, TimedOut = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, LinkedList<ManualResetEventSlim>> _queues = [];

    /// <summary>
    /// Blocks while <paramref name="stillExpected"/> holds (checked under the lock) until notified or until
    /// <paramref name="timeoutNanoseconds"/> pass (negative: forever).
    /// </summary>
    internal int Wait(long address, Func<bool> stillExpected, long timeoutNanoseconds)
    {
        ManualResetEventSlim signal;
        LinkedListNode<ManualResetEventSlim> node;
        lock (_lock)
        {
            if (!stillExpected()) return NotEqual;
            if (timeoutNanoseconds == 0) return TimedOut;
            signal = new ManualResetEventSlim(false);
            if (!_queues.TryGetValue(address, out var queue)) _queues[address] = queue = new LinkedList<ManualResetEventSlim>();
            node = queue.AddLast(signal);
        }
        using (signal)
        {
            bool signalled = timeoutNanoseconds < 0 ? signal.Wait(Timeout.InfiniteTimeSpan) : WaitUntil(signal, timeoutNanoseconds);
            if (signalled) return Woken;
            lock (_lock)
            {
                // A notifier that took this waiter off the queue before the lock counts it as woken.
                if (node.List is not { } queue) return Woken;
                queue.Remove(node);
                if (queue.Count == 0) _queues.Remove(address);
                return TimedOut;
            }
        }
    }

    /// <summary>Wakes up to <paramref name="count"/> waiters on <paramref name="address"/>, oldest first; returns how many.</summary>
    internal int Notify(long address, uint count)
    {
        lock (_lock)
        {
            if (!_queues.TryGetValue(address, out var queue)) return 0;
            int woken = 0;
            while (woken < count && queue.First is { } first)
            {
                queue.RemoveFirst();
                first.Value.Set();
                woken++;
            }
            if (queue.Count == 0) _queues.Remove(address);
            return woken;
        }
    }

    /// <summary>
    /// Waits for <paramref name="signal"/> at least <paramref name="timeoutNanoseconds"/>, never less: the event's own
    /// timed wait counts whole milliseconds and truncates, so a 500 us wait would return at once, timed out, and a
    /// 1.5 ms one after 1 ms. Whole milliseconds of the remaining time block in the event; the last fraction spins
    /// (yielding, never sleeping a whole millisecond) until the deadline.
    /// </summary>
    private static bool WaitUntil(ManualResetEventSlim signal, long timeoutNanoseconds)
    {
        // Waits past the runtime's limit (about 24.8 days) wait that long.
        long limit = (int.MaxValue - 1) * 1_000_000L;
        long deadline = Stopwatch.GetTimestamp() + (long)(Math.Min(timeoutNanoseconds, limit) * (Stopwatch.Frequency / 1e9));
        var spinner = new SpinWait();
        while (true)
        {
            if (signal.IsSet) return true;
            long remainingTicks = deadline - Stopwatch.GetTimestamp();
            if (remainingTicks <= 0) return false;
            long wholeMilliseconds = remainingTicks * 1000 / Stopwatch.Frequency;
            if (wholeMilliseconds > 0)
            {
                if (signal.Wait((int)wholeMilliseconds)) return true;
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
