using System.Globalization;
using WasmNN.Engine.Runtime;

namespace WasmNN.Engine;

// Stopping running guests: a flag compiled code checks at function entries and loop headers
// (EngineOptions.Interruptible), set from any thread.
public sealed partial class Engine
{
    private readonly InterruptFlag _interrupt = new();

    /// <summary>True while an interrupt is requested (see <see cref="Interrupt"/>).</summary>
    public bool IsInterrupted => Volatile.Read(ref _interrupt.Requested) != 0;

    internal InterruptFlag InterruptFlag => _interrupt;

    /// <summary>
    /// Requests that wasm code of this engine running now, on any thread, trap with
    /// <see cref="TrapKind.Interrupted"/> at its next loop iteration or function entry. Thread-safe. The request
    /// stays until <see cref="ResetInterrupt"/>: calls made meanwhile trap at entry.
    /// </summary>
    /// <param name="reason">Said in the trap's message, e.g. "timeout after 2 s".</param>
    public void Interrupt(string reason = "interrupted by the host")
    {
        ArgumentNullException.ThrowIfNull(reason);
        Volatile.Write(ref _interrupt.Reason, reason);
        Volatile.Write(ref _interrupt.Requested, 1);
    }

    /// <summary>Withdraws an interrupt request so the engine's code runs again.</summary>
    public void ResetInterrupt() => Volatile.Write(ref _interrupt.Requested, 0);

    /// <summary>
    /// Interrupts this engine's code (see <see cref="Interrupt"/>) once <paramref name="token"/> is cancelled.
    /// Disposing the result unregisters and, if it fired, withdraws the interrupt.
    /// </summary>
    /// <param name="reason">Said in the trap's message.</param>
    /// <param name="token">Cancellation that stops the guest.</param>
    public IDisposable InterruptWhen(string reason, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new InterruptScope(this, reason, ownedSource: null, token);
    }

    /// <summary>
    /// Interrupts this engine's code after <paramref name="timeout"/>; the trap says "timeout after N s".
    /// Dispose the result when the guest returns: it stops the timer and, if it fired, withdraws the interrupt.
    /// </summary>
    /// <example><code>
    /// using (engine.InterruptAfter(TimeSpan.FromSeconds(2))) start.Call(); // traps with TrapKind.Interrupted after 2 s
    /// </code></example>
    public IDisposable InterruptAfter(TimeSpan timeout)
    {
        var source = new CancellationTokenSource(timeout);
        var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return new InterruptScope(this, $"timeout after {seconds} s", source, source.Token);
    }

    private sealed class InterruptScope : IDisposable
    {
        private readonly Engine _engine;
        private readonly string _reason;
        private readonly CancellationTokenSource? _ownedSource;
        private readonly CancellationTokenRegistration _registration;
        private int _fired;

        public InterruptScope(Engine engine, string reason, CancellationTokenSource? ownedSource, CancellationToken token)
        {
            _engine = engine;
            _reason = reason;
            _ownedSource = ownedSource;
            _registration = token.Register(Fire); // runs at once if the token is already cancelled
        }

        private void Fire()
        {
            Volatile.Write(ref _fired, 1);
            _engine.Interrupt(_reason);
        }

        public void Dispose()
        {
            // Dispose waits for a running Fire, so no interrupt can arrive after the reset below.
            _registration.Dispose();
            _ownedSource?.Dispose();
            if (Volatile.Read(ref _fired) != 0) _engine.ResetInterrupt();
        }
    }
}
