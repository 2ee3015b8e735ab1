using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// SIMD128 and relaxed SIMD (0xFD prefix), lowered by concern in the <c>FunctionCompiler.Simd.*.cs</c> partials.
/// </summary>
/// <remarks>
/// <para>
/// A v128 lives on the IL stack and in locals as <c>Vector128&lt;byte&gt;</c>. Each instruction calls the JIT
/// intrinsic for its lane type directly (e.g. <c>Vector128&lt;float&gt;.op_Addition</c>) without reinterpreting its
/// operands first: the JIT types every <c>Vector128&lt;T&gt;</c> as the same 16-byte SIMD value, so the lane type is a
/// property of the operation, not of the value. That keeps one IL call per wasm instruction and no temporaries for
/// operands below the top of the stack, which matters for large functions (the JIT's MinOpts limits count IL bytes
/// and local references).
/// </para>
/// <para>
/// Only methods the JIT expands in place are called (see <see cref="SimdMethods"/>); where exact wasm semantics
/// need one x86 instruction (<c>pavgb</c>, <c>pmaddwd</c>, <c>packsswb</c>...), it is used when the CPU has it,
/// else a scalar helper in <see cref="Runtime.SimdOperations"/> gives the same result.
/// </para>
/// </remarks>
internal sealed partial class FunctionCompiler
{
    private static readonly Type s_i8 = typeof(sbyte);
    private static readonly Type s_u8 = typeof(byte);
    private static readonly Type s_i16 = typeof(short);
    private static readonly Type s_u16 = typeof(ushort);
    private static readonly Type s_i32 = typeof(int);
    private static readonly Type s_u32 = typeof(uint);
    private static readonly Type s_i64 = typeof(long);
    private static readonly Type s_u64 = typeof(ulong);
    private static readonly Type s_f32 = typeof(float);
    private static readonly Type s_f64 = typeof(double);

    private SimdMethods Simd => _module.Simd;

    private bool TryCompileSimd(in Instruction ins)
    {
        var info = OpcodeTable.Get(ins.Opcode);
        if (info.Prefix != 0xFD) return false;
        // Every SIMD instruction has a fixed signature: the value stack is kept from the opcode table.
        Pop(info.Parameters!.Length);
        if (!(TryCompileSimdMemory(ins) || TryCompileSimdLanes(ins) || TryCompileSimdInteger(ins)
              || TryCompileSimdFloat(ins) || TryCompileSimdConversion(ins) || TryCompileSimdRelaxed(ins)))
        {
            throw new NotSupportedException($"SIMD instruction {info.Mnemonic} is not lowered");
        }
        foreach (var result in info.Results!) Push(result);
        return true;
    }

    // ---- Emission helpers shared by the SIMD partials ----

    private static Type VectorOf(Type element) => SimdMethods.VectorOf(element);

    private void EmitCall(MethodInfo method) => _il.Emit(OpCodes.Call, method);

    /// <summary>Calls operator <paramref name="name"/> of <c>Vector128&lt;<paramref name="element"/>&gt;</c>.</summary>
    private void EmitOperator(Type element, string name) => EmitCall(Simd.Operator(element, name));

    /// <summary>Calls <c>Vector128.<paramref name="name"/></c> over <paramref name="arity"/> vectors of <paramref name="element"/>.</summary>
    private void EmitVectorCall(string name, Type element, int arity) => EmitCall(Simd.Vector(name, element, arity));

    /// <summary>Calls <c>Vector128.<paramref name="name"/></c> with exactly these parameter types (non-generic or closed over <paramref name="element"/>).</summary>
    private void EmitVectorCall(string name, Type? element, params Type[] parameters) => EmitCall(Simd.Vector(name, element, parameters));

    private void EmitHardwareCall(Type isa, string name, params Type[] parameters) => EmitCall(Simd.Hardware(isa, name, parameters));

    /// <summary>Pushes a constant the JIT sees as one vector constant (a folded <c>Vector128.Create</c>).</summary>
    private void EmitVectorConstant(Vector128<byte> value)
    {
        if (value == Vector128<byte>.Zero)
        {
            EmitCall(Simd.Property(s_u8, nameof(Vector128<byte>.Zero)));
            return;
        }
        if (value == Vector128<byte>.AllBitsSet)
        {
            EmitCall(Simd.Property(s_u8, nameof(Vector128<byte>.AllBitsSet)));
            return;
        }
        var halves = value.AsUInt64();
        _il.Emit(OpCodes.Ldc_I8, (long)halves.GetElement(0));
        _il.Emit(OpCodes.Ldc_I8, (long)halves.GetElement(1));
        EmitVectorCall(nameof(Vector128.Create), null, s_u64, s_u64);
    }

    private void EmitVectorConstant<T>(T splat) => EmitVectorConstant(Vector128.Create(splat).AsByte());

    /// <summary>Moves the vector on top of the IL stack into a temporary (to reach the value below it).</summary>
    private LocalBuilder Stash()
    {
        var temp = RentTemp(typeof(Vector128<byte>));
        _il.Emit(OpCodes.Stloc, temp);
        return temp;
    }

    /// <summary>Pushes a stashed vector back and frees its temporary.</summary>
    private void Unstash(LocalBuilder temp)
    {
        _il.Emit(OpCodes.Ldloc, temp);
        ReturnTemp(temp);
    }

    /// <summary>Swaps the two vectors on top of the IL stack.</summary>
    private void EmitSwapVectors()
    {
        var top = Stash();
        var below = Stash();
        Unstash(top);
        Unstash(below);
    }

    /// <summary>
    /// For <c>a b c</c> on the stack (c on top), pushes <c>c a b</c> and calls <c>Vector128.ConditionalSelect</c>:
    /// bits of a where c is set, of b elsewhere (<c>v128.bitselect</c>; one <c>vpternlogd</c> with AVX-512).
    /// </summary>
    private void EmitBitSelect()
    {
        var mask = Stash();
        var right = Stash();
        var left = Stash();
        Unstash(mask);
        Unstash(left);
        Unstash(right);
        EmitVectorCall(nameof(Vector128.ConditionalSelect), s_u8, 3);
    }

    /// <summary>Calls a scalar helper in <see cref="Runtime.SimdOperations"/> (used where the CPU lacks the instruction).</summary>
    private void EmitSimdHelper(string name) =>
        EmitCall(typeof(Runtime.SimdOperations).GetMethod(name, BindingFlags.Public | BindingFlags.Static)
                 ?? throw new MissingMethodException(nameof(Runtime.SimdOperations), name));
}
