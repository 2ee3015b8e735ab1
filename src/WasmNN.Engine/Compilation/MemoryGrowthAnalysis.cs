using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Which calls may grow (and so move or resize) the memory before they return: calls to functions that run
/// <c>memory.grow</c>, call an import (the host may grow it), or call such a function directly or through a table.
/// After any other call the caller's memory base, size and check limits stay valid, so it need not reload them
/// (the memory object, its base and size, and the limits derived from them, after every call).
/// </summary>
/// <remarks>
/// <c>call_indirect</c> of type T may reach any function of type T that an element segment names. When anything
/// else can put functions in a table (a table imported or exported, <c>table.set</c>, <c>table.grow</c>,
/// <c>table.fill</c>, a segment of expressions), every indirect call counts as growing. Computed once per module,
/// as a fixed point over the call graph.
/// </remarks>
internal sealed class MemoryGrowthAnalysis
{
    private readonly bool[] _mayGrow;
    private readonly bool _tablesOpen;
    private readonly uint[] _tableFunctions;
    private readonly IReadOnlyList<FuncType> _functionTypes;

    private MemoryGrowthAnalysis(bool[] mayGrow, bool tablesOpen, uint[] tableFunctions, IReadOnlyList<FuncType> functionTypes)
    {
        _mayGrow = mayGrow;
        _tablesOpen = tablesOpen;
        _tableFunctions = tableFunctions;
        _functionTypes = functionTypes;
    }

    /// <summary>True when a <c>call</c> of function <paramref name="functionIndex"/> (imports first) may grow the memory.</summary>
    public bool CallMayGrow(int functionIndex) => _mayGrow[functionIndex];

    /// <summary>True when a <c>call_indirect</c> of <paramref name="type"/> may reach a function that grows the memory.</summary>
    public bool IndirectCallMayGrow(FuncType type) =>
        _tablesOpen || _tableFunctions.Any(f => _mayGrow[f] && _functionTypes[(int)f].Equals(type));

    public static MemoryGrowthAnalysis Analyze(WasmModule module, IReadOnlyList<FuncType> functionTypes)
    {
        int imported = module.ImportedFunctionCount;
        var mayGrow = new bool[functionTypes.Count];
        for (int f = 0; f < imported; f++) mayGrow[f] = true;
        bool tablesOpen = module.Imports.Any(i => i.Kind == ExternalKind.Table) || module.Exports.Any(e => e.Kind == ExternalKind.Table);
        var tableFunctions = new List<uint>();
        foreach (var segment in module.Elements)
        {
            if (segment.FunctionIndices.Length < segment.Items.Length) tablesOpen = true;
            tableFunctions.AddRange(segment.FunctionIndices);
        }
        var direct = new List<uint>[module.Codes.Count];
        var indirect = new List<FuncType>[module.Codes.Count];
        for (int i = 0; i < module.Codes.Count; i++)
        {
            direct[i] = [];
            indirect[i] = [];
            var body = module.Codes[i];
            var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
            while (!reader.AtEnd)
            {
                var ins = reader.Read();
                switch (ins.Opcode)
                {
                    case Opcode.MemoryGrow: mayGrow[imported + i] = true; break;
                    case Opcode.Call: direct[i].Add(ins.Index); break;
                    case Opcode.CallIndirect: indirect[i].Add(module.Types[(int)ins.Index]); break;
                    case Opcode.TableSet or Opcode.TableGrow or Opcode.TableFill: tablesOpen = true; break;
                }
            }
        }
        var analysis = new MemoryGrowthAnalysis(mayGrow, tablesOpen, [.. tableFunctions.Distinct()], functionTypes);
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < module.Codes.Count; i++)
            {
                if (mayGrow[imported + i]) continue;
                if (direct[i].Any(callee => mayGrow[callee]) || indirect[i].Any(analysis.IndirectCallMayGrow))
                {
                    mayGrow[imported + i] = changed = true;
                }
            }
        }
        return analysis;
    }
}
