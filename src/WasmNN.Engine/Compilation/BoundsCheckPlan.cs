using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Bounds-check coalescing: which memory accesses of one function share a single check. A run is a straight-line
/// stretch (no label, branch or call) of accesses whose address is the same <c>local.get b</c>, with different
/// static offsets. The run's first access checks <c>b + max(offset + size)</c> for every access that may join, and
/// the others check nothing.
/// </summary>
/// <remarks>
/// Checking early must not change what a program observes. A later access may join the run's check only while
/// nothing with an observable effect has happened since the first access: stores and <c>global.set</c> (their effect
/// would be lost if the early check trapped) and instructions with another trap (division, float-to-int
/// conversion: the early check would report a different trap). Loads from other addresses may come between, since
/// they can only fail with the same out-of-bounds trap. After such a barrier an access still skips its check when
/// the run's check already covered its bytes. Assigning <c>b</c>, labels, branches, calls and anything that can grow
/// memory end every run.
/// </remarks>
internal sealed class BoundsCheckPlan
{
    private const int Untracked = -1;

    /// <summary>For the first access of each run: bytes past its effective address its check covers.</summary>
    private readonly Dictionary<int, long> _checkedBytes = [];

    /// <summary>Accesses an earlier check of their run covers.</summary>
    private readonly HashSet<int> _covered = [];

    /// <summary>Accesses inside loops: (instruction offset, static offset, size).</summary>
    private readonly List<(int Offset, long StaticOffset, int Size)> _loopAccesses = [];

    /// <summary>Accesses whose address operand is an unmodified copy of a local: the local's index.</summary>
    private readonly Dictionary<int, int> _baseLocals = [];

    private BoundsCheckPlan()
    {
    }

    /// <summary>
    /// How many bytes from the effective address the check at <paramref name="ins"/> must cover: its own
    /// <paramref name="size"/> when alone, more for a run's first access, 0 when an earlier check covers it.
    /// </summary>
    public long CheckedBytes(in Instruction ins, int size)
    {
        if (_covered.Contains(ins.Offset)) return 0;
        return _checkedBytes.TryGetValue(ins.Offset, out long bytes) ? bytes : size;
    }

    /// <summary>
    /// The local whose current value is the address operand of <paramref name="ins"/> (it was pushed by
    /// <c>local.get</c>/<c>local.tee</c> and the local has not changed since), or -1.
    /// </summary>
    public int BaseLocal(in Instruction ins) => _baseLocals.TryGetValue(ins.Offset, out int local) ? local : Untracked;

    /// <summary>
    /// The most used check limits inside loops (offset + checked bytes, at most <paramref name="count"/>): worth
    /// keeping <c>memory size - limit</c> in a local, as the JIT does not always hoist it out of the loop.
    /// </summary>
    public IReadOnlyList<long> HotCheckEnds(int count) =>
        [.. _loopAccesses
            .Select(a => (a.StaticOffset, Bytes: CheckedBytes(new Instruction { Offset = a.Offset }, a.Size)))
            .Where(a => a.Bytes > 0)
            .GroupBy(a => a.StaticOffset + a.Bytes)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key)
            .Take(count)
            .Select(g => g.Key)];

    /// <summary>Plans the checks of one function body.</summary>
    public static BoundsCheckPlan Analyze(FunctionBody body)
    {
        var plan = new BoundsCheckPlan();
        var scan = new Scan(plan);
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        while (!reader.AtEnd) scan.Step(reader.Read());
        scan.EndAll();
        return plan;
    }

    /// <summary>Accesses through one base local since its run's first access.</summary>
    private sealed class Run(int firstAccess, long firstAddressOffset, long end)
    {
        public int FirstAccess { get; } = firstAccess;
        public long FirstAddressOffset { get; } = firstAddressOffset;
        public long End { get; set; } = end;

        /// <summary>False after a barrier: only accesses within <see cref="End"/> may still join.</summary>
        public bool Extensible { get; set; } = true;
    }

    /// <summary>
    /// One forward pass that tracks, for each operand-stack slot, which local it is an unmodified copy of (or
    /// <see cref="Untracked"/>), and the open run of each base local.
    /// </summary>
    private sealed class Scan(BoundsCheckPlan plan)
    {
        private readonly List<int> _stack = [];
        private readonly Dictionary<int, Run> _runs = [];

        /// <summary>Open blocks, true for loops.</summary>
        private readonly List<bool> _blocks = [];
        private int _loopDepth;

        public void Step(in Instruction ins)
        {
            var info = OpcodeTable.Get(ins.Opcode);
            switch (ins.Opcode)
            {
                case Opcode.Block or Opcode.If:
                    _blocks.Add(false);
                    break;
                case Opcode.Loop:
                    _blocks.Add(true);
                    _loopDepth++;
                    break;
                case Opcode.End when _blocks.Count > 0:
                    if (_blocks[^1]) _loopDepth--;
                    _blocks.RemoveAt(_blocks.Count - 1);
                    break;
                case Opcode.LocalGet:
                    _stack.Add((int)ins.Index);
                    return;
                case Opcode.LocalSet:
                    Pop();
                    Assigned((int)ins.Index);
                    return;
                case Opcode.LocalTee:
                    Pop();
                    Assigned((int)ins.Index);
                    _stack.Add((int)ins.Index);
                    return;
                case Opcode.GlobalGet or Opcode.RefNull or Opcode.RefFunc or Opcode.MemorySize:
                    _stack.Add(Untracked);
                    return;
                case Opcode.GlobalSet:
                    Pop();
                    Barrier();
                    return;
                case Opcode.Drop:
                    Pop();
                    return;
                case Opcode.RefIsNull:
                    Pop();
                    _stack.Add(Untracked);
                    return;
                case Opcode.Select or Opcode.SelectTyped:
                    Pop();
                    Pop();
                    Pop();
                    _stack.Add(Untracked);
                    return;
            }
            // Another kind of trap (division, float-to-int conversion...): an early out-of-bounds trap would hide it.
            // Loads and stores trap only out of bounds, the trap the early check reports.
            if (info.Traps && !info.IsMemoryAccess) Barrier();
            if (!info.IsPlain)
            {
                // Control flow, calls, tables and memory-wide operations: a new straight-line stretch starts.
                EndAll();
                return;
            }
            int baseLocal = Untracked;
            for (int i = info.Parameters!.Length - 1; i >= 0; i--)
            {
                int slot = Pop();
                if (i == 0) baseLocal = slot; // the address is every memory access's first operand
            }
            if (info.IsMemoryAccess)
            {
                bool isStore = info.Results!.Length == 0;
                if (_loopDepth > 0) plan._loopAccesses.Add((ins.Offset, (long)ins.MemArg.Offset, info.NaturalAlignment));
                if (baseLocal != Untracked)
                {
                    plan._baseLocals[ins.Offset] = baseLocal;
                    Access(ins, baseLocal, info.NaturalAlignment);
                }
                if (isStore) Barrier();
            }
            foreach (var _ in info.Results!) _stack.Add(Untracked);
        }

        public void EndAll()
        {
            foreach (var run in _runs.Values) Close(run);
            _runs.Clear();
            _stack.Clear();
        }

        private void Access(in Instruction ins, int baseLocal, int size)
        {
            long offset = (long)ins.MemArg.Offset;
            long end = offset + size;
            if (_runs.TryGetValue(baseLocal, out var run))
            {
                if (end <= run.End)
                {
                    plan._covered.Add(ins.Offset);
                    return;
                }
                if (run.Extensible)
                {
                    run.End = end;
                    plan._covered.Add(ins.Offset);
                    return;
                }
                Close(run);
            }
            _runs[baseLocal] = new Run(ins.Offset, offset, end);
        }

        private void Close(Run run) => plan._checkedBytes[run.FirstAccess] = run.End - run.FirstAddressOffset;

        /// <summary>Something observable happened: open runs stop growing.</summary>
        private void Barrier()
        {
            foreach (var run in _runs.Values) run.Extensible = false;
        }

        /// <summary>A local changed: its run ends, and stack copies of its old value are no longer copies of it.</summary>
        private void Assigned(int local)
        {
            if (_runs.Remove(local, out var run)) Close(run);
            for (int i = 0; i < _stack.Count; i++)
            {
                if (_stack[i] == local) _stack[i] = Untracked;
            }
        }

        private int Pop()
        {
            if (_stack.Count == 0) return Untracked;
            int slot = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            return slot;
        }
    }
}
