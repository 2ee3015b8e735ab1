using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// A loop of a large function compiled as a method of its own (<see cref="LoopOutlining"/>): the wasm locals it
/// reads or writes (ascending), those it writes, and the depths, counted from the loop's enclosing frame, of the
/// frames its branches leave to.
/// </summary>
internal sealed record OutlinedLoop(int Offset, int EndOffset, int[] Locals, int[] WrittenLocals, int[] ExitDepths);

/// <summary>
/// Finds the loops of a large function worth compiling as methods of their own. In a function of many kilobytes
/// (clang inlines <c>static</c> helpers: zlib's <c>inflate_fast</c> sits inside <c>inflate</c>) the JIT's register
/// allocator keeps nearly every local in a stack slot, loaded and stored around each use, hot loop included; the
/// same loop in a method of its own keeps them in registers. A loop qualifies when it makes no calls (so the memory
/// cannot grow or move under it and it needs no call-depth arguments), does not return, has no block parameters or
/// results, and leaves only to frames whose branches carry no values; the outermost such loop of a size worth a call
/// is taken. The caller passes the loop's locals in, takes the written ones back, and continues at the frame the
/// loop left to. Only functions compiled lean (past the JIT's limits, ModuleCompiler) are outlined: in patterns_wasi's
/// 10 KB main, which the JIT optimises whole, the outlined GEMM nest ran 13% slower (29.4 against 25.6 ms).
/// </summary>
internal static class LoopOutlining
{
    /// <summary>Wasm bytes of the smallest function whose loops are outlined: below it the JIT allocates registers well.</summary>
    public const int MinFunctionBytes = 4096;

    /// <summary>Wasm bytes of the smallest loop worth a call and the copy of its locals in and out.</summary>
    public const int MinLoopBytes = 256;

    /// <summary>Wasm bytes of the largest loop outlined: past it the outlined method would have the caller's problem.</summary>
    public const int MaxLoopBytes = 8192;

    private sealed class OpenLoop(int offset, int outerDepth, bool emptyType)
    {
        public int Offset { get; } = offset;
        public int OuterDepth { get; } = outerDepth;
        public bool Qualifies { get; set; } = emptyType;
        public SortedSet<int> Locals { get; } = [];
        public SortedSet<int> Written { get; } = [];
        public SortedSet<int> Exits { get; } = [];
    }

    /// <summary>The loops of <paramref name="body"/> to outline, by the offset of their <c>loop</c> instruction.</summary>
    /// <param name="body">The function.</param>
    /// <param name="anySize">Tests only: ignore the size limits of functions and loops.</param>
    public static Dictionary<int, OutlinedLoop> Find(FunctionBody body, bool anySize = false)
    {
        var found = new Dictionary<int, OutlinedLoop>();
        if (body.Code.Length < MinFunctionBytes && !anySize) return found;
        var candidates = new List<OutlinedLoop>();
        var open = new List<OpenLoop>();
        var loopAtDepth = new Stack<OpenLoop?>();
        int depth = 1;
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            switch (ins.Opcode)
            {
                case Opcode.Block or Opcode.If:
                    loopAtDepth.Push(null);
                    depth++;
                    break;
                case Opcode.Loop:
                {
                    var loop = new OpenLoop(ins.Offset, depth, ins.BlockType == BlockType.Empty);
                    open.Add(loop);
                    loopAtDepth.Push(loop);
                    depth++;
                    break;
                }
                case Opcode.End when loopAtDepth.Count > 0:
                {
                    depth--;
                    if (loopAtDepth.Pop() is { } loop)
                    {
                        open.Remove(loop);
                        int end = reader.Offset;
                        int bytes = end - loop.Offset;
                        if (loop.Qualifies && (anySize || bytes is >= MinLoopBytes and <= MaxLoopBytes))
                        {
                            candidates.Add(new OutlinedLoop(loop.Offset, end, [.. loop.Locals], [.. loop.Written], [.. loop.Exits]));
                        }
                    }
                    break;
                }
                case Opcode.Call or Opcode.CallIndirect or Opcode.Return or Opcode.MemoryGrow:
                    foreach (var loop in open) loop.Qualifies = false;
                    break;
                case Opcode.LocalGet:
                    foreach (var loop in open) loop.Locals.Add((int)ins.Index);
                    break;
                case Opcode.LocalSet or Opcode.LocalTee:
                    foreach (var loop in open)
                    {
                        loop.Locals.Add((int)ins.Index);
                        loop.Written.Add((int)ins.Index);
                    }
                    break;
                case Opcode.Br or Opcode.BrIf:
                    AddExit(open, depth, (int)ins.Index);
                    break;
                case Opcode.BrTable:
                    foreach (uint target in ins.Targets!) AddExit(open, depth, (int)target);
                    AddExit(open, depth, (int)ins.Index);
                    break;
            }
        }
        // Outermost first: a loop inside one already taken goes with it.
        int takenUpTo = -1;
        foreach (var loop in candidates.OrderBy(c => c.Offset))
        {
            if (loop.Offset < takenUpTo) continue;
            found[loop.Offset] = loop;
            takenUpTo = loop.EndOffset;
        }
        return found;
    }

    /// <summary>A branch <paramref name="label"/> frames out from control depth <paramref name="depth"/>: an exit of each open loop it leaves.</summary>
    private static void AddExit(List<OpenLoop> open, int depth, int label)
    {
        foreach (var loop in open)
        {
            int inside = depth - loop.OuterDepth;
            if (label >= inside) loop.Exits.Add(label - inside);
        }
    }
}
