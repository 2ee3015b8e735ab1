using System.Text.Json;
using System.Text.RegularExpressions;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;

namespace WasmNN.Wasm.Tests.Instructions;

/// <summary>
/// The <see cref="Effects"/> facts of the opcode table against the spec: its execution rules (which instructions can
/// trap, which act on a whole memory or table) and the spec suite's <c>assert_trap</c> scripts.
/// </summary>
public sealed partial class OpcodeEffectsTests
{
    /// <summary>WebAssembly 2.0 section 4.4, by mnemonic: the instructions whose execution rule contains "trap".</summary>
    private static bool TrapsPerSpec(string mnemonic) =>
        mnemonic is "unreachable" or "call_indirect"
            or "memory.fill" or "memory.copy" or "memory.init"
            or "table.get" or "table.set" or "table.fill" or "table.copy" or "table.init"
        || IntegerDivision().IsMatch(mnemonic)    // division by zero, signed overflow
        || TrappingTruncation().IsMatch(mnemonic) // NaN or out of range (the _sat forms saturate instead)
        || MemoryAccess().IsMatch(mnemonic)       // out of bounds, scalar and vector
        || AtomicAccess().IsMatch(mnemonic);      // threads Overview: out of bounds, unaligned, wait on unshared memory

    [GeneratedRegex(@"^(i32\.atomic|i64\.atomic|memory\.atomic)\.")]
    private static partial Regex AtomicAccess();

    [GeneratedRegex(@"^i(32|64)\.(div|rem)_[su]$")]
    private static partial Regex IntegerDivision();

    [GeneratedRegex(@"^i(32|64)\.trunc_f(32|64)_[su]$")]
    private static partial Regex TrappingTruncation();

    [GeneratedRegex(@"^(i32|i64|f32|f64|v128)\.(load|store)")]
    private static partial Regex MemoryAccess();

    [Fact]
    public void Traps_MarksExactlyTheInstructionsTheSpecLetsTrap()
    {
        var missing = OpcodeTable.All.Where(i => TrapsPerSpec(i.Mnemonic) && !i.Traps).Select(i => i.Mnemonic).ToList();
        var extra = OpcodeTable.All.Where(i => !TrapsPerSpec(i.Mnemonic) && i.Traps).Select(i => i.Mnemonic).ToList();
        Assert.True(missing.Count == 0, "can trap but not marked: " + string.Join(", ", missing));
        Assert.True(extra.Count == 0, "marked but cannot trap: " + string.Join(", ", extra));
        // The spec's count: 2 control, 8 div/rem, 8 truncations, 23 scalar and 22 vector accesses, 3 bulk memory, 5 table,
        // and the threads proposal's 63 atomic accesses plus notify and the two waits (not atomic.fence).
        Assert.Equal(137, OpcodeTable.All.Count(i => i.Traps));
    }

    [Fact]
    public void MemoryWide_MarksTheWholeMemoryInstructions()
    {
        string[] expected = ["data.drop", "memory.copy", "memory.fill", "memory.grow", "memory.init", "memory.size"];
        Assert.Equal(expected, OpcodeTable.All.Where(i => (i.Effects & Effects.MemoryWide) != 0).Select(i => i.Mnemonic).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Tables_MarksEveryTableAndElementSegmentInstruction()
    {
        string[] expected = ["elem.drop", "table.copy", "table.fill", "table.get", "table.grow", "table.init", "table.set", "table.size"];
        Assert.Equal(expected, OpcodeTable.All.Where(i => (i.Effects & Effects.Tables) != 0).Select(i => i.Mnemonic).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IsPlain_HoldsForNumericAndSingleAccessInstructionsOnly()
    {
        Assert.True(OpcodeTable.Get(Opcode.I32DivS).IsPlain);
        Assert.True(OpcodeTable.Get(Opcode.V128Load32Lane).IsPlain);
        Assert.True(OpcodeTable.Get(Opcode.F32x4RelaxedMadd).IsPlain);
        Assert.False(OpcodeTable.Get(Opcode.MemoryGrow).IsPlain);
        Assert.False(OpcodeTable.Get(Opcode.MemorySize).IsPlain);
        Assert.False(OpcodeTable.Get(Opcode.DataDrop).IsPlain);
        Assert.False(OpcodeTable.Get(Opcode.TableSize).IsPlain);
        Assert.False(OpcodeTable.Get(Opcode.Call).IsPlain);
        Assert.False(OpcodeTable.Get(Opcode.LocalSet).IsPlain);
    }

    /// <summary>
    /// Every function an <c>assert_trap</c> in the core and SIMD suites invokes reaches (through direct calls) an
    /// instruction marked <see cref="Effects.Traps"/>: the spec says it traps, so one of its instructions must.
    /// </summary>
    [Fact]
    public void Traps_CoversEveryAssertTrapInTheSpecSuite()
    {
        int checkedCount = 0;
        var unexplained = new List<string>();
        foreach (var json in new[] { "core", "simd" }.SelectMany(f => Directory.EnumerateFiles(SpecSuite.Folder(f), "*.json", SearchOption.AllDirectories)).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
            var directory = Path.GetDirectoryName(json)!;
            WasmModule? current = null;
            var named = new Dictionary<string, WasmModule>(StringComparer.Ordinal);
            foreach (var command in doc.RootElement.GetProperty("commands").EnumerateArray())
            {
                var type = command.GetProperty("type").GetString();
                if (type == "module")
                {
                    current = ModuleReader.Read(File.ReadAllBytes(Path.Combine(directory, command.GetProperty("filename").GetString()!)));
                    if (command.TryGetProperty("name", out var name)) named[name.GetString()!] = current;
                    continue;
                }
                if (type != "assert_trap") continue;
                var action = command.GetProperty("action");
                if (action.GetProperty("type").GetString() != "invoke") continue;
                var module = action.TryGetProperty("module", out var moduleName) ? named[moduleName.GetString()!] : current!;
                var export = module.Exports.Single(e => e.Kind == ExternalKind.Function && e.Name == action.GetProperty("field").GetString());
                switch (ReachesTrap(module, export.Index))
                {
                    case true:
                        checkedCount++;
                        break;
                    case false:
                        unexplained.Add($"{Path.GetFileName(json)}:{command.GetProperty("line").GetInt32()} {export.Name}");
                        break;
                    // null: it calls an import, whose code lives in another module; not judged here.
                }
            }
        }
        Assert.True(unexplained.Count == 0, "trap with no marked instruction: " + string.Join("; ", unexplained.Take(10)));
        Assert.True(checkedCount > 1000, $"only {checkedCount} assert_trap commands checked");
    }

    /// <summary>True when a marked instruction is reachable from <paramref name="function"/>, null when an import is.</summary>
    private static bool? ReachesTrap(WasmModule module, uint function)
    {
        var pending = new Stack<uint>([function]);
        var seen = new HashSet<uint>();
        bool callsImport = false;
        while (pending.TryPop(out var index))
        {
            if (!seen.Add(index)) continue;
            if (index < module.ImportedFunctionCount)
            {
                callsImport = true;
                continue;
            }
            var body = module.Codes[(int)index - module.ImportedFunctionCount];
            var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
            while (!reader.AtEnd)
            {
                var ins = reader.Read();
                if (OpcodeTable.Get(ins.Opcode).Traps) return true;
                if (ins.Opcode == Opcode.Call) pending.Push(ins.Index);
            }
        }
        return callsImport ? null : false;
    }
}
