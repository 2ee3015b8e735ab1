using System.Diagnostics;
using System.Runtime.ExceptionServices;
using WasmNN.Engine;

namespace WasmNN.Runtime;

/// <summary>
/// Runs a threads build on several .NET threads: worker 0 on the caller's thread, workers 1..N-1 on threads of the
/// pool's own, each calling <c>wasmnn_run_worker(i, N)</c> on its own instance of the module over the one shared
/// memory. The module synchronises its kernels itself (phase counters in memory); the pool only starts a run and waits
/// for every worker to return. When one worker traps the engine is interrupted so the others, waiting for a phase to end,
/// trap too; the first trap that is not that interruption is rethrown.
/// </summary>
/// <remarks>
/// Runs start as docs/ABI.md "Starting a run" describes (the npm loader's threads.js does the same): a run bumps a
/// generation counter; a worker that finished a run watches it for <see cref="_watch"/>, then parks on its semaphore,
/// its start word saying which generation it parked after, and <see cref="Run"/> releases a worker only by a CAS of
/// that word from "parked after the previous generation" to awake; a worker that sees the new generation before it
/// sleeps takes its word back and runs. The watch spins for 1 ms when there are no more workers than cores (back to
/// back runs start every worker at once, without a wake-up); with more workers than cores a worker parks at once:
/// its spin took the core of a worker still running the last phase, or of the caller (docs/PERFORMANCE.md "Threads,
/// part 6": 4 workers on 2 cores 20% faster in the median of 22 separate-process pairs, 2 workers not shown faster).
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    private const string AbortReason = "another worker of the run trapped";

    private readonly Engine.Engine _engine;
    private readonly Action _resetWorkers;
    private readonly Func<int, int, int>[] _runWorker;
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly Exception?[] _errors;
    private readonly int[] _startWords;
    private int _generation;
    private volatile bool _stopping;

    /// <summary>A start word: the worker is running or watching (not parked).</summary>
    private const int Awake = 0;

    /// <summary>A start word: the worker parked after running <paramref name="generation"/> (odd, so never <see cref="Awake"/>).</summary>
    private static int ParkedAfter(int generation) => (generation << 1) | 1;

    /// <summary>How long a worker that finished a run watches for the next before it parks: 1 ms, or none when oversubscribed.</summary>
    private readonly TimeSpan _watch;

    public WorkerPool(Engine.Engine engine, Action resetWorkers, IReadOnlyList<Func<int, int, int>> runWorker)
    {
        _engine = engine;
        _resetWorkers = resetWorkers;
        _runWorker = [.. runWorker];
        var count = _runWorker.Length;
        _watch = count <= Environment.ProcessorCount ? TimeSpan.FromMilliseconds(1) : TimeSpan.Zero;
        _start = [.. Enumerable.Range(0, count).Select(_ => new SemaphoreSlim(0))];
        _done = new CountdownEvent(count - 1);
        _errors = new Exception?[count];
        _startWords = new int[count]; // awake: each worker watches, then parks itself (Loop)
        _threads = [.. Enumerable.Range(1, count - 1).Select(i => new Thread(() => Loop(i)) { IsBackground = true, Name = $"wasmnn worker {i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    public int Count => _runWorker.Length;

    /// <summary>Runs the graph on every worker; returns worker 0's status.</summary>
    public int Run()
    {
        Array.Clear(_errors);
        _done.Reset();
        StartGeneration();
        var status = RunWorker(0);
        _done.Wait();
        if (Array.Find(_errors, e => e is not null) is null)
        {
            return status;
        }
        // Every worker has stopped: clear the interruption and the phase counters the aborted run left half-counted.
        _engine.ResetInterrupt();
        _resetWorkers();
        var first = Array.Find(_errors, e => e is not WasmTrapException { Kind: TrapKind.Interrupted }) ?? Array.Find(_errors, e => e is not null)!;
        ExceptionDispatchInfo.Throw(first);
        return status;
    }

    /// <summary>
    /// Starts the next generation: every worker has returned from the previous one, so each is watching (it will see
    /// the new generation) or parked after the previous one (this releases it, unless the worker took its word back).
    /// </summary>
    private void StartGeneration()
    {
        // The exchange is a full fence: a worker that parks after this sees the new generation and takes its word back.
        var previous = Interlocked.Exchange(ref _generation, unchecked(_generation + 1));
        for (var i = 1; i < Count; i++)
        {
            if (Interlocked.CompareExchange(ref _startWords[i], Awake, ParkedAfter(previous)) == ParkedAfter(previous))
            {
                _start[i].Release();
            }
        }
    }

    private int RunWorker(int index)
    {
        try
        {
            return _runWorker[index](index, Count);
        }
        catch (Exception e)
        {
            _errors[index] = e;
            _engine.Interrupt(AbortReason);
            return -1;
        }
    }

    private void Loop(int index)
    {
        var done = 0;
        while (true)
        {
            if (Volatile.Read(ref _generation) == done && !AwaitGeneration(index, done))
            {
                _start[index].Wait();
            }
            if (_stopping)
            {
                return;
            }
            done = Volatile.Read(ref _generation);
            RunWorker(index);
            _done.Signal();
        }
    }

    /// <summary>
    /// Watches for a generation after <paramref name="done"/>; true when this worker saw it and may run, false when it
    /// parked (whoever moves its start word from parked to awake starts it: <see cref="StartGeneration"/> by releasing its
    /// semaphore, or this worker itself if it saw the new generation first).
    /// </summary>
    private bool AwaitGeneration(int index, int done)
    {
        var until = Stopwatch.GetTimestamp() + (long)(_watch.TotalSeconds * Stopwatch.Frequency);
        while (Volatile.Read(ref _generation) == done && Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
        if (Volatile.Read(ref _generation) != done)
        {
            return true;
        }
        var parked = ParkedAfter(done);
        Interlocked.Exchange(ref _startWords[index], parked);
        // A run started between the last check and parking: take it back unless Run already released the semaphore.
        return Volatile.Read(ref _generation) != done && Interlocked.CompareExchange(ref _startWords[index], Awake, parked) == parked;
    }

    public void Dispose()
    {
        _stopping = true;
        StartGeneration();
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        foreach (var semaphore in _start)
        {
            semaphore.Dispose();
        }
        _done.Dispose();
    }
}
