using System.Numerics;
using System.Runtime.CompilerServices;

namespace WasmNN.Engine.Runtime;

/// <summary>The read-modify-write operators of the threads proposal, in opcode-group order (0xFE 0x1E + 7 * op).</summary>
internal enum AtomicRmw
{
    Add,
    Sub,
    And,
    Or,
    Xor,
    Xchg,
}

/// <summary>
/// Bodies of the atomic instructions, called by generated code with an address already bounds- and alignment-checked.
/// The type argument is the access width as an unsigned type (byte, ushort, uint, ulong). Every access is
/// sequentially consistent: stores and read-modify-writes are interlocked (full fences), loads are volatile.
/// The generic helpers are inlined and the JIT folds the width and operator branches away.
/// </summary>
internal static unsafe class AtomicOperations
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Load<T>(byte* address) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(byte)) return As<byte, T>(Volatile.Read(ref *address));
        if (typeof(T) == typeof(ushort)) return As<ushort, T>(Volatile.Read(ref *(ushort*)address));
        if (typeof(T) == typeof(uint)) return As<uint, T>(Volatile.Read(ref *(uint*)address));
        return As<ulong, T>(Volatile.Read(ref *(ulong*)address));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store<T>(byte* address, T value) where T : unmanaged, IBinaryInteger<T> => Exchange(address, value);

    /// <summary>Applies <paramref name="op"/> and returns the old value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T ReadModifyWrite<T>(byte* address, T operand, AtomicRmw op) where T : unmanaged, IBinaryInteger<T>
    {
        // Direct primitives where .NET has them; a compare-exchange loop on the cell's own width otherwise.
        if (op == AtomicRmw.Xchg) return Exchange(address, operand);
        if (op == AtomicRmw.Add && typeof(T) == typeof(uint)) return As<uint, T>(Interlocked.Add(ref *(uint*)address, As<T, uint>(operand)) - As<T, uint>(operand));
        if (op == AtomicRmw.Add && typeof(T) == typeof(ulong)) return As<ulong, T>(Interlocked.Add(ref *(ulong*)address, As<T, ulong>(operand)) - As<T, ulong>(operand));
        if (op == AtomicRmw.And && typeof(T) == typeof(uint)) return As<uint, T>(Interlocked.And(ref *(uint*)address, As<T, uint>(operand)));
        if (op == AtomicRmw.And && typeof(T) == typeof(ulong)) return As<ulong, T>(Interlocked.And(ref *(ulong*)address, As<T, ulong>(operand)));
        if (op == AtomicRmw.Or && typeof(T) == typeof(uint)) return As<uint, T>(Interlocked.Or(ref *(uint*)address, As<T, uint>(operand)));
        if (op == AtomicRmw.Or && typeof(T) == typeof(ulong)) return As<ulong, T>(Interlocked.Or(ref *(ulong*)address, As<T, ulong>(operand)));
        T old = Load<T>(address);
        while (true)
        {
            T next = op switch
            {
                AtomicRmw.Add => old + operand,
                AtomicRmw.Sub => old - operand,
                AtomicRmw.And => old & operand,
                AtomicRmw.Or => old | operand,
                _ => old ^ operand,
            };
            T seen = CompareExchange(address, next, old);
            if (seen == old) return old;
            old = seen;
        }
    }

    /// <summary>Stores <paramref name="replacement"/> if the cell holds <paramref name="expected"/>; returns the old value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T CompareExchange<T>(byte* address, T replacement, T expected) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(byte)) return As<byte, T>(Interlocked.CompareExchange(ref *address, As<T, byte>(replacement), As<T, byte>(expected)));
        if (typeof(T) == typeof(ushort)) return As<ushort, T>(Interlocked.CompareExchange(ref *(ushort*)address, As<T, ushort>(replacement), As<T, ushort>(expected)));
        if (typeof(T) == typeof(uint)) return As<uint, T>(Interlocked.CompareExchange(ref *(uint*)address, As<T, uint>(replacement), As<T, uint>(expected)));
        return As<ulong, T>(Interlocked.CompareExchange(ref *(ulong*)address, As<T, ulong>(replacement), As<T, ulong>(expected)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Exchange<T>(byte* address, T value) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(byte)) return As<byte, T>(Interlocked.Exchange(ref *address, As<T, byte>(value)));
        if (typeof(T) == typeof(ushort)) return As<ushort, T>(Interlocked.Exchange(ref *(ushort*)address, As<T, ushort>(value)));
        if (typeof(T) == typeof(uint)) return As<uint, T>(Interlocked.Exchange(ref *(uint*)address, As<T, uint>(value)));
        return As<ulong, T>(Interlocked.Exchange(ref *(ulong*)address, As<T, ulong>(value)));
    }

    /// <summary><c>memory.atomic.notify</c>: wakes up to <paramref name="count"/> waiters; an unshared memory has none.</summary>
    internal static int Notify(byte* address, int count, InstanceContext context)
    {
        var memory = context.Memory!;
        return memory.IsShared ? memory.Waiters.Notify(address - memory.Base, (uint)count) : 0;
    }

    /// <summary><c>memory.atomic.wait32</c> on a shared memory (the caller traps on others): 0 woken, 1 not equal, 2 timed out.</summary>
    internal static int Wait32(byte* address, int expected, long timeoutNanoseconds, InstanceContext context) =>
        Wait(address, (uint)expected, timeoutNanoseconds, context);

    /// <summary><c>memory.atomic.wait64</c>: as <see cref="Wait32"/> on an 8-byte cell.</summary>
    internal static int Wait64(byte* address, long expected, long timeoutNanoseconds, InstanceContext context) =>
        Wait(address, (ulong)expected, timeoutNanoseconds, context);

    private static int Wait<T>(byte* address, T expected, long timeoutNanoseconds, InstanceContext context) where T : unmanaged, IBinaryInteger<T>
    {
        var memory = context.Memory!;
        nint cell = (nint)address;
        return memory.Waiters.Wait(address - memory.Base, () => Load<T>((byte*)cell) == expected, timeoutNanoseconds);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo As<TFrom, TTo>(TFrom value) where TFrom : unmanaged where TTo : unmanaged => Unsafe.As<TFrom, TTo>(ref value);
}
