using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WasmNN.Engine;
using WasmNN.Runtime;
using WasmNN.Serving.Protocol;
using WasmNN.Wasm;

namespace WasmNN.Serving;

/// <summary>
/// The engine instances of one model, each owned by a worker thread that takes requests from one bounded queue.
/// A worker of a batchable model gathers queued requests into one run (dynamic batching); a run that traps, or is
/// interrupted at the time limit, fails the requests it held and its instance is replaced by a fresh one, so no
/// later request sees memory the trap left behind.
/// </summary>
public sealed partial class InstancePool : IDisposable
{
    /// <summary>Big enough for the engine's deepest allowed wasm call nesting.</summary>
    private const int WorkerStackBytes = 16 * 1024 * 1024;

    private readonly ModelSignature _model;
    private readonly WasmModule _module;
    private readonly CompiledModelOptions _load;
    private readonly PoolOptions _options;
    private readonly ModelMetrics _metrics;
    private readonly ILogger _log;
    private readonly Channel<WorkItem> _queue;
    private readonly Thread[] _workers;
    private readonly int _gatherRows;
    private int _liveInstances;
    private int _loading;

    /// <summary>Compiles the first instance now (so a module that cannot load fails here) and starts the workers.</summary>
    /// <exception cref="FormatException">The module is not a compiled model.</exception>
    /// <exception cref="WasmCompileException">The engine cannot compile it.</exception>
    public InstancePool(ModelSignature model, WasmModule module, PoolOptions options, ModelMetrics metrics, ILogger log, CompiledModelOptions? load = null)
    {
        _load = load ?? new CompiledModelOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Instances, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1);
        _model = model;
        _module = module;
        _options = options;
        _metrics = metrics;
        _log = log;
        _gatherRows = model.BatchCapacity > 0 && options.MaxBatch > 1 ? Math.Min(options.MaxBatch, model.BatchCapacity) : 0;
        _queue = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.QueueCapacity) { SingleWriter = false, SingleReader = false });
        metrics.QueueDepth = () => _queue.Reader.Count;
        metrics.LiveInstances = () => Volatile.Read(ref _liveInstances);
        var first = CompiledModel.Load(module, _load);
        _liveInstances = 1;
        _loading = options.Instances - 1;
        _workers = new Thread[options.Instances];
        for (var i = 0; i < _workers.Length; i++)
        {
            var preloaded = i == 0 ? first : null;
            _workers[i] = new Thread(() => Work(preloaded), WorkerStackBytes) { IsBackground = true, Name = $"wasmnn {model.Name} #{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>True once every instance has been compiled.</summary>
    public bool IsReady => Volatile.Read(ref _loading) == 0;

    /// <summary>Rows one run gathers from queued requests (0: each request runs alone).</summary>
    public int GatherRows => _gatherRows;

    /// <summary>Queues <paramref name="request"/>; the task completes with every output's bytes (in model order).</summary>
    /// <exception cref="InferenceException">429 when the queue is full.</exception>
    /// <remarks>The task fails with an <see cref="InferenceException"/> (500 trap, 503 time limit) when the run fails.</remarks>
    public Task<byte[][]> Submit(InferenceRequest request)
    {
        var item = new WorkItem(request);
        if (!_queue.Writer.TryWrite(item))
        {
            throw new InferenceException(429, $"model '{_model.Name}' has {_options.QueueCapacity} requests queued (the limit): retry later");
        }
        _metrics.RecordAccepted();
        return item.Completion.Task;
    }

    /// <summary>Stops taking requests, lets the workers finish the queued ones, and frees the instances.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        foreach (var worker in _workers) worker.Join();
    }

    private void Work(CompiledModel? preloaded)
    {
        CompiledModel? instance = preloaded;
        try
        {
            if (instance is null)
            {
                instance = CompiledModel.Load(_module, _load);
                Interlocked.Increment(ref _liveInstances);
                Interlocked.Decrement(ref _loading);
            }
            var batch = new List<WorkItem>();
            WorkItem? carried = null;
            while (NextBatch(batch, ref carried))
            {
                instance = Execute(instance, batch);
            }
        }
        catch (Exception e) when (e is FormatException or WasmCompileException or WasmLinkException or WasmTrapException)
        {
            LogWorkerLost(_log, _model.Name, e.Message);
        }
        finally
        {
            if (instance is not null)
            {
                instance.Dispose();
                Interlocked.Decrement(ref _liveInstances);
            }
        }
    }

    /// <summary>Fills <paramref name="batch"/> with the next request and, when batching, more that fit; false once the queue is closed and empty.</summary>
    private bool NextBatch(List<WorkItem> batch, ref WorkItem? carried)
    {
        batch.Clear();
        var reader = _queue.Reader;
        WorkItem? first = carried;
        carried = null;
        while (first is null && !reader.TryRead(out first))
        {
            if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return false;
        }
        batch.Add(first);
        var rows = first.Request.Rows;
        if (_gatherRows == 0) return true;
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.BatchTimeout.TotalSeconds * Stopwatch.Frequency);
        while (rows < _gatherRows)
        {
            if (reader.TryRead(out var next))
            {
                if (rows + next.Request.Rows > _gatherRows)
                {
                    carried = next;
                    break;
                }
                batch.Add(next);
                rows += next.Request.Rows;
                continue;
            }
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero || !reader.WaitToReadAsync().AsTask().Wait(remaining)) break;
        }
        return true;
    }

    /// <summary>Runs <paramref name="batch"/> on <paramref name="instance"/>; returns the instance to use next (a fresh one after a trap).</summary>
    private CompiledModel Execute(CompiledModel instance, List<WorkItem> batch)
    {
        var metadata = _model.Metadata;
        try
        {
            for (var i = 0; i < metadata.Inputs.Count; i++)
            {
                var buffer = instance.InputBytes(i);
                var offset = 0;
                foreach (var item in batch)
                {
                    item.Request.Inputs[i].CopyTo(buffer[offset..]);
                    offset += item.Request.Inputs[i].Length;
                }
                buffer[offset..].Clear(); // rows no request filled: zeros, not the previous run's data
            }
            _metrics.RecordRun();
            using (var limit = new CancellationTokenSource(_options.TimeLimit))
            {
                instance.Run(limit.Token, $"time limit of {_options.TimeLimit.TotalMilliseconds:0} ms");
            }
            var offsets = new int[metadata.Outputs.Count];
            foreach (var item in batch)
            {
                var outputs = new byte[metadata.Outputs.Count][];
                for (var o = 0; o < outputs.Length; o++)
                {
                    var length = _model.ByteCountFor(metadata.Outputs[o], item.Request.Rows);
                    outputs[o] = instance.OutputBytes(o).Slice(offsets[o], length).ToArray();
                    offsets[o] += length;
                }
                Complete(item, outputs, null);
            }
            return instance;
        }
        catch (Exception e)
        {
            // Any failure, not only a trap: an exception escaping a worker thread would end the whole process.
            var timeLimit = e is WasmTrapException { Kind: TrapKind.Interrupted };
            _metrics.RecordTrap(timeLimit);
            LogTrap(_log, _model.Name, batch.Count, e.Message);
            var error = timeLimit
                ? new InferenceException(503, $"model '{_model.Name}' exceeded the time limit of {_options.TimeLimit.TotalMilliseconds:0} ms")
                : new InferenceException(500, $"model '{_model.Name}' trapped: {e.Message}");
            foreach (var item in batch) Complete(item, null, error);
            instance.Dispose();
            Interlocked.Decrement(ref _liveInstances);
            var fresh = CompiledModel.Load(_module, _load);
            Interlocked.Increment(ref _liveInstances);
            return fresh;
        }
    }

    private void Complete(WorkItem item, byte[][]? outputs, InferenceException? error)
    {
        _metrics.RecordAnswered();
        if (error is null) item.Completion.SetResult(outputs!);
        else item.Completion.SetException(error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "model {Model}: a run of {Requests} request(s) failed and its instance was replaced: {Reason}")]
    private static partial void LogTrap(ILogger log, string model, int requests, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "model {Model}: a worker stopped, its instance could not be loaded: {Reason}")]
    private static partial void LogWorkerLost(ILogger log, string model, string reason);

    private sealed class WorkItem(InferenceRequest request)
    {
        public InferenceRequest Request { get; } = request;

        public TaskCompletionSource<byte[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
