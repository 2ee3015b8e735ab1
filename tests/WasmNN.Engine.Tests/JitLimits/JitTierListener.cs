using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace WasmNN.Engine.Tests.JitLimits;

/// <summary>The optimisation tier the runtime reports for a jitted method (MethodFlags bits 7-9 of MethodLoadVerbose).</summary>
internal enum JitTier
{
    Unknown = 0,
    MinOptJitted = 1,
    Optimized = 2,
    QuickJitted = 3,
    OptimizedTier1 = 4,
}

/// <summary>
/// Observes the JIT's own decision for a method: an in-process listener on the runtime's event source (JIT keyword,
/// verbose) reads the tier from the MethodLoadVerbose event the runtime writes once the method is compiled. Events
/// are dispatched on another thread some time after the compile, so every wait has a deadline.
/// </summary>
internal sealed class JitTierListener : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private const int MethodLoadVerbose = 143;
    private const int TierShift = 7, TierMask = 0x7;
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);
    private static int s_probes;

    // Assigned before the base constructor enables the source: field initialisers run first.
    private readonly ConcurrentDictionary<long, JitTier> _tierByMethodId = new();
    private readonly ConcurrentDictionary<string, bool> _loadedNames = new();

    /// <summary>Enables the runtime's JIT events and waits until they flow (a probe method's load is seen).</summary>
    public JitTierListener()
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            string name = $"jit-tier-probe-{Interlocked.Increment(ref s_probes)}";
            var probe = new DynamicMethod(name, typeof(int), Type.EmptyTypes);
            var il = probe.GetILGenerator();
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Ret);
            probe.Invoke(null, null);
            if (WaitFor(() => _loadedNames.ContainsKey(name), TimeSpan.FromSeconds(1))) return;
            if (stopwatch.Elapsed > s_deadline) throw new TimeoutException($"no JIT events from {RuntimeSource} within {s_deadline.TotalSeconds} s");
        }
    }

    /// <summary>Compiles <paramref name="method"/> now (if not yet compiled) and returns the tier the runtime reports for it.</summary>
    public JitTier Compile(MethodInfo method)
    {
        RuntimeHelpers.PrepareMethod(method.MethodHandle);
        long id = method.MethodHandle.Value;
        if (!WaitFor(() => _tierByMethodId.ContainsKey(id), s_deadline))
            throw new TimeoutException($"no MethodLoadVerbose event for {method.Name} within {s_deadline.TotalSeconds} s");
        return _tierByMethodId[id];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource) EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != MethodLoadVerbose || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names) return;
        long id = Convert.ToInt64(payload[names.IndexOf("MethodID")], System.Globalization.CultureInfo.InvariantCulture);
        uint flags = Convert.ToUInt32(payload[names.IndexOf("MethodFlags")], System.Globalization.CultureInfo.InvariantCulture);
        _tierByMethodId[id] = (JitTier)((flags >> TierShift) & TierMask);
        if (payload[names.IndexOf("MethodName")] is string name) _loadedNames[name] = true;
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > timeout) return false;
            Thread.Sleep(10);
        }
        return true;
    }
}
