using System.Reflection.Emit;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Loop versioning for bounds checks. For a loop whose trip count and addresses are known at entry
/// (<see cref="VersionableLoop"/>), one test at entry proves every access of every iteration in bounds; the loop
/// is then compiled twice: without bounds checks for when the test passes, and as usual for when it does not (the
/// checked copy traps exactly where wasm would, after the same side effects). A small proven loop is also unrolled
/// (two or four bodies per iteration; V8 unrolls small loops too): with the trip count known, the remainder
/// iterations run first, one body at a time, then the loop runs groups, every body but the group's last evaluating
/// its exit condition only for the side effects.
/// </summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>Wasm bytes of the largest loop worth compiling twice.</summary>
    private const int MaxVersionedLoopBytes = 4096;

    /// <summary>Wasm bytes of the largest loop body unrolled twice (the proven copy then holds it three times).</summary>
    private const int MaxUnrolledBodyBytes = 512;

    /// <summary>Wasm bytes of the largest loop body unrolled four times (five copies).</summary>
    private const int MaxUnrolledFourBodyBytes = 128;

    /// <summary>
    /// IL emitted so far (bytes) past which loops are no longer duplicated, per <see cref="FunctionTier"/>: the JIT
    /// stops optimising a method past ~60 KB of IL, 20,000 instructions or 2,000 basic blocks
    /// (../shared/DESIGN-NOTES.md, "JIT cliff 2"), far costlier than the bounds checks versioning saves. Bytes per
    /// instruction vary (1.5 for scalar code, 2.6 for clang's SIMD main), so a function past the limits is compiled
    /// again with the next budget down, then lean. One budget for all (32 KB before) left the dot product's loop,
    /// last in clang's main, unversioned once the convolution's loops before it were.
    /// </summary>
    private static int VersioningIlBudget(FunctionTier tier) => tier switch
    {
        FunctionTier.Optimised => 56 * 1024,
        FunctionTier.FewerLoopCopies => 32 * 1024,
        _ => 16 * 1024,
    };

    /// <summary>
    /// IL emitted so far past which proven loops are no longer unrolled: in a large function the copies cost more
    /// than they save. clang's nine 16-trip convolution loops inlined into main, unrolled four times, pushed it past
    /// the JIT's limits with a 56 KB budget, and not unrolled they ran faster (3x3 conv 19.2 -> 16.8 ms).
    /// </summary>
    private const int MaxIlBytesForUnrolling = 16 * 1024;

    /// <summary>Trip counts above this take the checked copy (keeps the entry test's 64-bit sums far from overflow).</summary>
    private const long MaxProvenTripCount = 1L << 30;

    /// <summary>True while compiling a loop copy whose accesses the entry test proved in bounds.</summary>
    private bool _boundsProven;

    /// <summary>
    /// Compiles the loop at <paramref name="loop"/> as two versions if it qualifies; returns the file offset after
    /// its <c>end</c> (the caller skips to there), or null to compile it normally.
    /// </summary>
    private int? TryCompileVersionedLoop(in Instruction loop)
    {
        if (_memorySize is null || _lean || _boundsProven || _il.ILOffset > _versioningIlBudget) return null;
        int start = loop.Offset - _body.CodeOffset;
        var code = _body.Code.Span[start..Math.Min(_body.Code.Length, start + MaxVersionedLoopBytes)];
        if (VersionableLoop.TryAnalyze(code, loop.Offset) is not { Bases.Count: > 0 } shape) return null;
        var checkedCopy = _il.DefineLabel();
        var done = _il.DefineLabel();
        var trips = RentTemp(typeof(long));
        _widenAddresses = WidensAddresses(shape);
        EmitLoopEntryTest(shape, trips, checkedCopy);
        _boundsProven = true;
        var budget = RentTemp(typeof(int));
        _provenLoop = (loop.Offset, budget);
        int bodyBytes = shape.BranchOffset - shape.BodyOffset;
        if (bodyBytes <= MaxUnrolledBodyBytes && _il.ILOffset <= MaxIlBytesForUnrolling) CompileUnrolled(loop, shape, trips, done, bodyBytes <= MaxUnrolledFourBodyBytes ? 4 : 2);
        else CompileRange(loop.Offset, shape.EndOffset);
        _provenLoop = null;
        _boundsProven = false;
        _widenAddresses = false;
        ReturnTemp(budget);
        ReturnTemp(trips);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(checkedCopy);
        CompileRange(loop.Offset, shape.EndOffset);
        _il.MarkLabel(done);
        return shape.EndOffset;
    }

    /// <summary>trips mod <paramref name="unroll"/> single bodies, then a loop of <paramref name="unroll"/> bodies per iteration.</summary>
    private void CompileUnrolled(in Instruction loop, VersionableLoop shape, LocalBuilder trips, Label done, int unroll)
    {
        var remainder = RentTemp(typeof(long));
        var single = _il.DefineLabel();
        var groups = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, trips);
        _il.Emit(OpCodes.Ldc_I8, (long)(unroll - 1));
        _il.Emit(OpCodes.And);
        _il.Emit(OpCodes.Stloc, remainder);
        _il.Emit(OpCodes.Ldloc, remainder);
        _il.Emit(OpCodes.Brfalse, groups);
        _il.MarkLabel(single);
        CompileBodyWithoutExit(shape);
        _il.Emit(OpCodes.Ldloc, remainder);
        _il.Emit(OpCodes.Ldc_I8, 1L);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Stloc, remainder);
        _il.Emit(OpCodes.Ldloc, remainder);
        _il.Emit(OpCodes.Brtrue, single);
        _il.Emit(OpCodes.Ldloc, trips);
        _il.Emit(OpCodes.Ldc_I8, (long)unroll);
        _il.Emit(OpCodes.Blt, done);
        _il.MarkLabel(groups);
        ReturnTemp(remainder);
        CompileRange(loop.Offset, shape.BodyOffset);
        for (int i = 1; i < unroll; i++) CompileBodyWithoutExit(shape);
        CompileRange(shape.BodyOffset, shape.EndOffset);
    }

    /// <summary>The body with its closing <c>br_if 0</c> replaced by dropping the condition.</summary>
    private void CompileBodyWithoutExit(VersionableLoop shape)
    {
        CompileRange(shape.BodyOffset, shape.BranchOffset);
        Pop();
        _il.Emit(OpCodes.Pop);
    }

    private void CompileRange(int startOffset, int endOffset)
    {
        ForgetWidenedLocals();
        var reader = new InstructionReader(_body.Code.Span[(startOffset - _body.CodeOffset)..(endOffset - _body.CodeOffset)], startOffset);
        Instruction? next = reader.Read();
        while (next is Instruction ins)
        {
            next = reader.AtEnd ? null : reader.Read();
            _nextOpcode = next?.Opcode;
            _offset = ins.Offset;
            if (Current.Unreachable && !SkipDeadInstruction(ins)) continue;
            CompileInstruction(ins);
        }
    }

    /// <summary>
    /// Stores the trip count in <paramref name="trips"/>; branches to <paramref name="checkedCopy"/> unless it is known
    /// and every access fits.
    /// </summary>
    private void EmitLoopEntryTest(VersionableLoop shape, LocalBuilder trips, Label checkedCopy)
    {
        EmitTripCount(shape.Exit, trips, checkedCopy);
        _il.Emit(OpCodes.Ldloc, trips);
        _il.Emit(OpCodes.Ldc_I8, MaxProvenTripCount);
        _il.Emit(OpCodes.Bgt, checkedCopy);
        if (_widenAddresses && _module.MaximumMemoryBytes > MaxWidenedAddressMemory)
        {
            // Addresses the proven copy computes in 64 bits are exact only up to this size (TryCompileProvenAddressAdd).
            _il.Emit(OpCodes.Ldloc, _memorySize!);
            _il.Emit(OpCodes.Ldc_I8, MaxWidenedAddressMemory);
            _il.Emit(OpCodes.Bgt, checkedCopy);
        }
        // Each base's terms are added sign-extended in 64 bits: plus an access's addend, the sum is congruent to its
        // i32 address mod 2^32, and equal to it where it lies within [0, 2^32). The sum is linear in the body's
        // number, so the first and last bodies bound it: with non-negative steps it only grows, so the first body's
        // smallest address must be >= 0 (clang counts an index from -n up to 0 and adds it to a pointer) and the
        // last body's furthest byte must be within memory; a base with a negative step is checked at both ends.
        foreach (var b in shape.Bases)
        {
            bool down = b.Terms.Any(t => t.Step < 0);
            EmitBaseStartTest(b, trips, last: false, checkedCopy);
            if (down) EmitBaseStartTest(b, trips, last: true, checkedCopy);
            EmitBaseEndTest(b, trips, last: true, checkedCopy);
            if (down) EmitBaseEndTest(b, trips, last: false, checkedCopy);
        }
    }

    /// <summary>Branches to <paramref name="checkedCopy"/> unless the first or last body's smallest address is >= 0.</summary>
    private void EmitBaseStartTest(LoopBase b, LocalBuilder trips, bool last, Label checkedCopy)
    {
        EmitTermSum(b, trips, last);
        _il.Emit(OpCodes.Ldc_I8, -b.MinStart);
        _il.Emit(OpCodes.Blt, checkedCopy);
    }

    /// <summary>Branches to <paramref name="checkedCopy"/> unless the first or last body's furthest byte is within memory.</summary>
    private void EmitBaseEndTest(LoopBase b, LocalBuilder trips, bool last, Label checkedCopy)
    {
        EmitTermSum(b, trips, last);
        _il.Emit(OpCodes.Ldc_I8, b.MaxEnd);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _memorySize!);
        _il.Emit(OpCodes.Bgt, checkedCopy);
    }

    /// <summary>Pushes the sum of <paramref name="b"/>'s sign-extended terms in the first or the last body.</summary>
    private void EmitTermSum(LoopBase b, LocalBuilder trips, bool last)
    {
        _il.Emit(OpCodes.Ldc_I8, 0L);
        foreach (var term in b.Terms)
        {
            EmitLoadLocal(term.Local);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Add);
            if (term.Step == 0) continue;
            if (last) EmitLastStepOffset(trips, term.Shift - 1, term.Step);
            else if (term.Shift == 0) continue;
            else _il.Emit(OpCodes.Ldc_I8, term.Shift * term.Step);
            _il.Emit(OpCodes.Add);
        }
    }

    /// <summary>Pushes (trips + <paramref name="extra"/>) * <paramref name="step"/>.</summary>
    private void EmitLastStepOffset(LocalBuilder trips, long extra, long step)
    {
        _il.Emit(OpCodes.Ldloc, trips);
        if (extra != 0)
        {
            _il.Emit(OpCodes.Ldc_I8, extra);
            _il.Emit(OpCodes.Add);
        }
        _il.Emit(OpCodes.Ldc_I8, step);
        _il.Emit(OpCodes.Mul);
    }

    /// <summary>
    /// Stores the number of times the body runs into <paramref name="trips"/>, or branches to
    /// <paramref name="unknown"/>. After body k the loop tests counter_0 + (k + 1) * step against the bound.
    /// </summary>
    private void EmitTripCount(LoopExit exit, LocalBuilder trips, Label unknown)
    {
        long step = exit.Step;
        switch (exit.Kind)
        {
            case LoopExitKind.NotEqual:
            {
                // (k + 1) * |step| = distance (mod 2^32) from the counter to the bound, in the step's direction.
                if (step > 0) { EmitBound(exit, OpCodes.Conv_I4); EmitLoadLocal(exit.Counter); }
                else { EmitLoadLocal(exit.Counter); EmitBound(exit, OpCodes.Conv_I4); }
                _il.Emit(OpCodes.Sub);
                _il.Emit(OpCodes.Conv_U8);
                _il.Emit(OpCodes.Stloc, trips);
                _il.Emit(OpCodes.Ldloc, trips);
                _il.Emit(OpCodes.Brfalse, unknown); // counter == bound at entry: it wraps all the way round
                _il.Emit(OpCodes.Ldloc, trips);
                _il.Emit(OpCodes.Ldc_I8, Math.Abs(step));
                _il.Emit(OpCodes.Rem_Un);
                _il.Emit(OpCodes.Brtrue, unknown);  // never lands on the bound exactly
                _il.Emit(OpCodes.Ldloc, trips);
                _il.Emit(OpCodes.Ldc_I8, Math.Abs(step));
                _il.Emit(OpCodes.Div_Un);
                _il.Emit(OpCodes.Stloc, trips);
                break;
            }
            default:
            {
                // Counting up: trips = max(1, ceil((bound - c) / step)); down: max(1, ceil((c - bound) / -step)),
                // where c is the counter's entry value seen from its first tested one: widen(counter_0 + step) -
                // step. clang starts a counter one step below 0 ("i = -32; do i += 32 while i < n", unsigned), so
                // the first test sees 0, not 2^32 - 32 + 32. The counter's last value must not wrap.
                bool signed = exit.Kind is LoopExitKind.LessThanSigned or LoopExitKind.GreaterThanSigned;
                bool down = step < 0;
                var widen = signed ? OpCodes.Conv_I8 : OpCodes.Conv_U8;
                var positive = _il.DefineLabel();
                var counted = _il.DefineLabel();
                var entry = RentTemp(typeof(long));
                EmitLoadLocal(exit.Counter);
                _il.Emit(OpCodes.Ldc_I4, (int)step);
                _il.Emit(OpCodes.Add);
                _il.Emit(widen);
                _il.Emit(OpCodes.Ldc_I8, step);
                _il.Emit(OpCodes.Sub);
                _il.Emit(OpCodes.Stloc, entry);
                if (down)
                {
                    _il.Emit(OpCodes.Ldloc, entry);
                    EmitBound(exit, widen);
                }
                else
                {
                    EmitBound(exit, widen);
                    _il.Emit(OpCodes.Ldloc, entry);
                }
                _il.Emit(OpCodes.Sub);
                _il.Emit(OpCodes.Stloc, trips);
                _il.Emit(OpCodes.Ldloc, trips);
                _il.Emit(OpCodes.Ldc_I8, 1L);
                _il.Emit(OpCodes.Bge, positive);
                _il.Emit(OpCodes.Ldc_I8, 1L);
                _il.Emit(OpCodes.Stloc, trips);
                _il.Emit(OpCodes.Br, counted);
                _il.MarkLabel(positive);
                _il.Emit(OpCodes.Ldloc, trips);
                _il.Emit(OpCodes.Ldc_I8, Math.Abs(step) - 1);
                _il.Emit(OpCodes.Add);
                _il.Emit(OpCodes.Ldc_I8, Math.Abs(step));
                _il.Emit(OpCodes.Div);
                _il.Emit(OpCodes.Stloc, trips);
                _il.MarkLabel(counted);
                _il.Emit(OpCodes.Ldloc, entry);
                ReturnTemp(entry);
                EmitLastStepOffset(trips, 0, step);
                _il.Emit(OpCodes.Add);
                if (down)
                {
                    _il.Emit(OpCodes.Ldc_I8, signed ? int.MinValue : 0L);
                    _il.Emit(OpCodes.Blt, unknown);
                }
                else
                {
                    _il.Emit(OpCodes.Ldc_I8, signed ? int.MaxValue : uint.MaxValue);
                    _il.Emit(OpCodes.Bgt, unknown);
                }
                break;
            }
        }
    }

    /// <summary>Pushes the exit bound: the local (widened with <paramref name="widen"/>) or the constant.</summary>
    private void EmitBound(LoopExit exit, OpCode widen)
    {
        if (exit.BoundLocal >= 0)
        {
            EmitLoadLocal(exit.BoundLocal);
            if (widen != OpCodes.Conv_I4) _il.Emit(widen);
            return;
        }
        if (widen == OpCodes.Conv_I4)
        {
            _il.Emit(OpCodes.Ldc_I4, (int)exit.BoundConstant);
            return;
        }
        _il.Emit(OpCodes.Ldc_I8, widen == OpCodes.Conv_U8 ? (long)(uint)(int)exit.BoundConstant : (int)exit.BoundConstant);
    }
}
