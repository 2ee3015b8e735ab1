using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>How a versionable loop decides to go round again.</summary>
internal enum LoopExitKind
{
    /// <summary>While the counter differs from the bound (mod 2^32); <c>br_if</c> on the counter itself is "!= 0".</summary>
    NotEqual,

    /// <summary>While the counter is less than the bound, signed.</summary>
    LessThanSigned,

    /// <summary>While the counter is less than the bound, unsigned.</summary>
    LessThanUnsigned,

    /// <summary>While the counter (counting down) is greater than the bound, signed.</summary>
    GreaterThanSigned,

    /// <summary>While the counter (counting down) is greater than the bound, unsigned: musl's <c>n -= 16; n > 15</c>.</summary>
    GreaterThanUnsigned,
}

/// <summary>
/// The loop's exit test: after body number k (from 0) it compares <c>counter_0 + (k + Shift) * Step</c> with the
/// bound (a local not assigned in the loop, or a constant when <see cref="BoundLocal"/> is -1).
/// </summary>
internal sealed record LoopExit(LoopExitKind Kind, int Counter, long Step, int Shift, int BoundLocal, long BoundConstant);

/// <summary>One induction variable (or, with step 0, a local the loop never assigns) in an address sum.</summary>
/// <param name="Local">The local; its value at loop entry is the start.</param>
/// <param name="Step">What the loop adds to it per iteration (0 for a loop-invariant local).</param>
/// <param name="Shift">1 when the address reads it after its update in the body, else 0.</param>
internal sealed record LoopTerm(int Local, long Step, int Shift);

/// <summary>
/// Accesses whose address in body k is <c>sum over terms of (local_0 + (k + Shift) * Step)</c> plus a constant; the
/// furthest byte any of them touches is <see cref="MaxEnd"/> past the sum; the smallest i32 address (before the
/// access's offset) is <see cref="MinStart"/> past it (negative for clang's <c>p - 16</c>).
/// </summary>
internal sealed record LoopBase(IReadOnlyList<LoopTerm> Terms, long MaxEnd, long MinStart);

/// <summary>
/// A loop whose trip count and every memory address are known at its entry, so one test there can prove all its
/// accesses in bounds: an innermost loop with no parameters or results, a straight-line body (no blocks, branches or
/// calls) ending in <c>br_if 0</c>, induction variables each assigned once per iteration as <c>x = x + constant</c>,
/// and addresses that are sums of induction variables (either direction: musl's backward memmove indexes by a count
/// going down), locals the loop never assigns and a constant of either sign (locals assigned such a sum once per
/// iteration count as the sum, as clang's <c>p = a + i</c>). Wasm's i32 wrap-around is excluded at run time: the entry
/// test adds the sign-extended terms and the constant in 64 bits and only passes when every access's sum lies within
/// memory, where it equals the i32 address (congruent to it mod 2^32).
/// </summary>
internal sealed class VersionableLoop
{
    private VersionableLoop(int bodyOffset, int branchOffset, int endOffset, LoopExit exit, IReadOnlyList<LoopBase> bases)
    {
        BodyOffset = bodyOffset;
        BranchOffset = branchOffset;
        EndOffset = endOffset;
        Exit = exit;
        Bases = bases;
    }

    /// <summary>File offset of the body's first instruction (after <c>loop</c>).</summary>
    public int BodyOffset { get; }

    /// <summary>File offset of the closing <c>br_if 0</c>.</summary>
    public int BranchOffset { get; }

    /// <summary>File offset just past the loop's <c>end</c>.</summary>
    public int EndOffset { get; }

    public LoopExit Exit { get; }

    public IReadOnlyList<LoopBase> Bases { get; }

    /// <summary>Analyses the loop starting at <paramref name="code"/>[0] (a <c>loop</c> at file offset <paramref name="offset"/>); null if it does not qualify.</summary>
    public static VersionableLoop? TryAnalyze(ReadOnlySpan<byte> code, int offset)
    {
        try
        {
            return Analyze(code, offset);
        }
        catch (WasmNN.Wasm.WasmFormatException)
        {
            return null; // the window the caller passed cut an instruction: too long to version anyway
        }
    }

    private static VersionableLoop? Analyze(ReadOnlySpan<byte> code, int offset)
    {
        var reader = new InstructionReader(code, offset);
        var loop = reader.Read();
        if (loop.Opcode != Opcode.Loop || loop.BlockType != BlockType.Empty) return null;
        var walk = new Walk();
        int bodyOffset = reader.Offset;
        Instruction? previous = null;
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            if (ins.Opcode == Opcode.End)
            {
                // The body must end "br_if 0; end".
                if (previous is not { Opcode: Opcode.BrIf, Index: 0 } branch) return null;
                return walk.Finish(bodyOffset, branch.Offset, reader.Offset);
            }
            if (previous is { Opcode: Opcode.BrIf }) return null; // a br_if not at the end
            if (!walk.Step(ins)) return null;
            previous = ins;
        }
        return null;
    }

    /// <summary>A stack value as far as the analysis can tell.</summary>
    private abstract record Value
    {
        public static readonly Value Unknown = new UnknownValue();
    }

    private sealed record UnknownValue : Value;

    /// <summary>A local read in the body, and whether the body had already assigned it at that point.</summary>
    private readonly record struct Term(int Local, bool Updated);

    /// <summary>The sum of some locals' values plus <paramref name="Addend"/> (i32 arithmetic).</summary>
    private sealed record Sum(IReadOnlyList<Term> Terms, long Addend) : Value
    {
        public bool IsSingle(out Term term)
        {
            term = Terms.Count == 1 ? Terms[0] : default;
            return Terms.Count == 1 && Addend == 0;
        }
    }

    private sealed record ConstantValue(long Constant) : Value;

    private sealed record Comparison(Opcode Opcode, Value Left, Value Right) : Value;

    private sealed record Access(IReadOnlyList<Term> Terms, long Start, long End);

    private sealed class Walk
    {
        private readonly List<Value> _stack = [];
        private readonly Dictionary<int, long> _steps = [];
        private readonly Dictionary<int, Sum> _derived = [];
        private readonly HashSet<int> _variant = [];
        private readonly HashSet<int> _updatedSoFar = [];
        private readonly List<Access> _accesses = [];
        private Value _condition = Value.Unknown;

        public bool Step(in Instruction ins)
        {
            var info = OpcodeTable.Get(ins.Opcode);
            switch (ins.Opcode)
            {
                case Opcode.LocalGet:
                    _stack.Add(Read((int)ins.Index));
                    return true;
                case Opcode.LocalSet or Opcode.LocalTee:
                {
                    int local = (int)ins.Index;
                    Assign(local, Pop());
                    if (ins.Opcode == Opcode.LocalTee) _stack.Add(Read(local));
                    return true;
                }
                case Opcode.I32Const:
                    _stack.Add(new ConstantValue((int)ins.Constant));
                    return true;
                case Opcode.I32Add or Opcode.I32Sub:
                {
                    var right = Pop();
                    var left = Pop();
                    _stack.Add(Combine(left, right, ins.Opcode == Opcode.I32Sub));
                    return true;
                }
                case Opcode.I32LtS or Opcode.I32LtU or Opcode.I32GtS or Opcode.I32GtU or Opcode.I32Ne:
                {
                    var right = Pop();
                    var left = Pop();
                    _stack.Add(new Comparison(ins.Opcode, left, right));
                    return true;
                }
                case Opcode.BrIf when ins.Index == 0:
                    _condition = Pop();
                    return true;
                case Opcode.Drop:
                    Pop();
                    return true;
                case Opcode.Select:
                    Pop();
                    Pop();
                    Pop();
                    _stack.Add(Value.Unknown);
                    return true;
                case Opcode.GlobalGet:
                    _stack.Add(Value.Unknown);
                    return true;
                case Opcode.GlobalSet:
                    Pop();
                    return true;
            }
            // Anything else must be a plain instruction with a fixed signature: no control flow, calls, tables or
            // memory-wide operations (they could move the memory or leave the loop early).
            if (!info.IsPlain) return false;
            var operands = new Value[info.Parameters!.Length];
            for (int i = operands.Length - 1; i >= 0; i--) operands[i] = Pop();
            if (info.IsMemoryAccess)
            {
                if (operands[0] is not Sum address) return false;
                // The i32 address is terms + addend (wrapping); the offset is added after, without wrapping.
                _accesses.Add(new Access(address.Terms, address.Addend, address.Addend + (long)ins.MemArg.Offset + info.NaturalAlignment));
            }
            foreach (var _ in info.Results!) _stack.Add(Value.Unknown);
            return true;
        }

        public VersionableLoop? Finish(int bodyOffset, int branchOffset, int endOffset)
        {
            if (ExitOf(_condition) is not { } exit) return null;
            var bases = new List<LoopBase>();
            foreach (var group in _accesses.GroupBy(a => string.Join(",", a.Terms.Select(t => $"{t.Local}{(t.Updated ? "'" : "")}").Order())))
            {
                var terms = new List<LoopTerm>();
                foreach (var term in group.First().Terms)
                {
                    // Terms are induction variables or locals the loop never assigns (derived locals were replaced
                    // by their sums when read after their assignment; read before it, they change per iteration).
                    if (_variant.Contains(term.Local) || _derived.ContainsKey(term.Local)) return null;
                    terms.Add(new LoopTerm(term.Local, _steps.GetValueOrDefault(term.Local), term.Updated ? 1 : 0));
                }
                bases.Add(new LoopBase(terms, group.Max(a => a.End), group.Min(a => a.Start)));
            }
            return new VersionableLoop(bodyOffset, branchOffset, endOffset, exit, bases);
        }

        private LoopExit? ExitOf(Value condition)
        {
            switch (condition)
            {
                case Sum sum when sum.IsSingle(out var counter):
                    return Counter(LoopExitKind.NotEqual, counter, new ConstantValue(0));
                case Comparison comparison:
                {
                    var (kind, counter, bound) = comparison.Opcode switch
                    {
                        Opcode.I32Ne when IsCounter(comparison.Left) => (LoopExitKind.NotEqual, comparison.Left, comparison.Right),
                        Opcode.I32Ne => (LoopExitKind.NotEqual, comparison.Right, comparison.Left),
                        Opcode.I32GtS when IsDownCounter(comparison.Left) => (LoopExitKind.GreaterThanSigned, comparison.Left, comparison.Right),
                        Opcode.I32GtU when IsDownCounter(comparison.Left) => (LoopExitKind.GreaterThanUnsigned, comparison.Left, comparison.Right),
                        Opcode.I32LtS when IsDownCounter(comparison.Right) => (LoopExitKind.GreaterThanSigned, comparison.Right, comparison.Left),
                        Opcode.I32LtU when IsDownCounter(comparison.Right) => (LoopExitKind.GreaterThanUnsigned, comparison.Right, comparison.Left),
                        Opcode.I32LtS => (LoopExitKind.LessThanSigned, comparison.Left, comparison.Right),
                        Opcode.I32LtU => (LoopExitKind.LessThanUnsigned, comparison.Left, comparison.Right),
                        Opcode.I32GtS => (LoopExitKind.LessThanSigned, comparison.Right, comparison.Left),
                        _ => (LoopExitKind.LessThanUnsigned, comparison.Right, comparison.Left),
                    };
                    return counter is Sum s && s.IsSingle(out var term) ? Counter(kind, term, bound) : null;
                }
                default:
                    return null;
            }
        }

        private bool IsCounter(Value value) => value is Sum s && s.IsSingle(out var term) && _steps.ContainsKey(term.Local);

        private bool IsDownCounter(Value value) => value is Sum s && s.IsSingle(out var term) && _steps.GetValueOrDefault(term.Local) < 0;

        private LoopExit? Counter(LoopExitKind kind, Term counter, Value bound)
        {
            // The counter must be read after its (single) update: the test then sees counter_0 + (k + 1) * step.
            if (!counter.Updated || _variant.Contains(counter.Local) || !_steps.TryGetValue(counter.Local, out long step)) return null;
            bool down = kind is LoopExitKind.GreaterThanSigned or LoopExitKind.GreaterThanUnsigned;
            if (kind != LoopExitKind.NotEqual && (step < 0) != down) return null;
            return bound switch
            {
                ConstantValue c => new LoopExit(kind, counter.Local, step, 1, -1, c.Constant),
                Sum b when b.IsSingle(out var t) && !_updatedSoFar.Contains(t.Local) => new LoopExit(kind, counter.Local, step, 1, t.Local, 0),
                _ => null,
            };
        }

        /// <summary>A local read: its sum when the body assigned it a sum already, else the local itself.</summary>
        private Value Read(int local) =>
            _derived.TryGetValue(local, out var sum) && _updatedSoFar.Contains(local)
                ? sum
                : new Sum([new Term(local, _updatedSoFar.Contains(local))], 0);

        /// <summary>
        /// A local changes, once per iteration at most: "itself (not yet updated) + constant" makes an induction
        /// variable, another sum a derived local; anything else, or a second assignment, makes it variant.
        /// </summary>
        private void Assign(int local, Value value)
        {
            bool first = !_updatedSoFar.Contains(local);
            if (first && value is Sum { Terms.Count: 1 } own && own.Terms[0] == new Term(local, false) && own.Addend != 0)
            {
                _steps[local] = own.Addend;
            }
            else if (first && value is Sum sum && sum.Terms.All(t => t.Local != local))
            {
                _derived[local] = sum;
            }
            else
            {
                _variant.Add(local);
                _steps.Remove(local);
                _derived.Remove(local);
            }
            _updatedSoFar.Add(local);
        }

        private static Value Combine(Value left, Value right, bool subtract) => (left, right) switch
        {
            (Sum l, ConstantValue c) => Bounded(l.Terms, subtract ? l.Addend - c.Constant : l.Addend + c.Constant),
            (ConstantValue c, Sum l) when !subtract => Bounded(l.Terms, l.Addend + c.Constant),
            (Sum a, Sum b) when !subtract => Bounded([.. a.Terms, .. b.Terms], a.Addend + b.Addend),
            (ConstantValue a, ConstantValue b) => new ConstantValue((int)(subtract ? a.Constant - b.Constant : a.Constant + b.Constant)),
            _ => Value.Unknown,
        };

        /// <summary>Small addends and few terms keep the entry test's 64-bit sums far from overflow.</summary>
        private static Value Bounded(IReadOnlyList<Term> terms, long addend) =>
            Math.Abs(addend) < (1L << 30) && terms.Count <= 4 ? new Sum(terms, addend) : Value.Unknown;

        private Value Pop()
        {
            if (_stack.Count == 0) return Value.Unknown;
            var value = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return value;
        }
    }
}
