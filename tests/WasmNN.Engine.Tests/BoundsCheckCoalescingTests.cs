using WasmNN.Engine.Compilation;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine.Tests;

/// <summary>
/// One bounds check for a run of accesses from the same base must keep wasm's trap semantics: every case runs on
/// our engine and on Node's V8 (the independent source) with the same bytes, and the outcomes must agree.
/// </summary>
public class BoundsCheckCoalescingTests
{
    private const int NearEnd = 65536 - 8; // p + 0 is in bounds, p + 8 is not
    private const int Watched = 65528;     // the word the store cases write

    private const string Module = """
        (module
          (memory (export "memory") 1)
          (global $g (export "g") (mut i32) (i32.const 0))
          (func (export "two_loads") (param $p i32) (result i32)
            (i32.add (i32.load offset=0 (local.get $p)) (i32.load offset=8 (local.get $p))))
          (func (export "store_then_load") (param $p i32) (result i32)
            (drop (i32.load offset=0 (local.get $p)))
            (i32.store offset=0 (local.get $p) (i32.const 42))
            (i32.load offset=8 (local.get $p)))
          (func (export "divide_then_load") (param $p i32) (result i32)
            (drop (i32.load offset=0 (local.get $p)))
            (drop (i32.div_u (i32.const 1) (i32.const 0)))
            (i32.load offset=8 (local.get $p)))
          (func (export "global_then_load") (param $p i32) (result i32)
            (drop (i32.load offset=0 (local.get $p)))
            (global.set $g (i32.const 7))
            (i32.load offset=8 (local.get $p)))
          (func (export "other_base_between") (param $p i32) (param $q i32) (result i32)
            (drop (i32.load offset=0 (local.get $p)))
            (drop (i32.load offset=0 (local.get $q)))
            (i32.load offset=8 (local.get $p)))
          (func (export "rebase") (param $p i32) (result i32)
            (drop (i32.load offset=0 (local.get $p)))
            (local.set $p (i32.const 0))
            (i32.load offset=8 (local.get $p)))
          (func (export "stale_copy") (param $p i32) (result i32)
            (local.get $p)
            (local.set $p (i32.const 0))
            (drop (i32.load offset=0 (local.get $p)))
            (i32.load offset=8))
          (func (export "covered_after_store") (param $p i32) (result i32)
            (drop (i32.load offset=4 (local.get $p)))
            (i32.store offset=0 (local.get $p) (i32.const 5))
            (i32.load offset=0 (local.get $p)))
          (func (export "branch_between") (param $p i32) (param $skip i32) (result i32)
            (drop (i32.load offset=0 (local.get $p)))
            (if (local.get $skip) (then (return (i32.const -1))))
            (i32.load offset=8 (local.get $p)))
          (func (export "vector_loads") (param $p i32) (result i32)
            (i32x4.extract_lane 0 (i32x4.add (v128.load offset=0 (local.get $p)) (v128.load offset=8 (local.get $p))))))
        """;

    public static TheoryData<string, int[]> Cases => new()
    {
        { "two_loads", [65536 - 12] },
        { "two_loads", [NearEnd] },
        { "two_loads", [-8] },
        { "store_then_load", [NearEnd] },
        { "store_then_load", [65536 - 16] },
        { "divide_then_load", [NearEnd] },
        { "global_then_load", [NearEnd] },
        { "other_base_between", [NearEnd, 70000] },
        { "other_base_between", [NearEnd, 0] },
        { "rebase", [NearEnd] },
        { "stale_copy", [NearEnd] },
        { "covered_after_store", [65536 - 8] },
        { "branch_between", [NearEnd, 1] },
        { "branch_between", [NearEnd, 0] },
        { "vector_loads", [65536 - 24] },
        { "vector_loads", [65536 - 20] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CoalescedChecks_TrapOrResultAndSideEffects_MatchV8(string export, int[] arguments)
    {
        var bytes = Wat.Assemble(Module);
        Assert.Equal(RunOnV8(bytes, export, arguments), RunOnEngine(bytes, export, arguments));
    }

    [Fact]
    public void Analyze_LoadsFromOneBase_FirstChecksTheRunAndTheRestNothing()
    {
        var (plan, accesses) = Plan("two_loads");
        Assert.Equal(12, plan.CheckedBytes(accesses[0], 4));
        Assert.Equal(0, plan.CheckedBytes(accesses[1], 4));
    }

    [Fact]
    public void Analyze_StoreBeforeAWiderAccess_StopsTheRunGrowing()
    {
        var (plan, accesses) = Plan("store_then_load");
        Assert.Equal(4, plan.CheckedBytes(accesses[0], 4)); // the load
        Assert.Equal(0, plan.CheckedBytes(accesses[1], 4)); // the store: covered
        Assert.Equal(4, plan.CheckedBytes(accesses[2], 4)); // past the store: checked on its own
    }

    [Fact]
    public void Analyze_BranchBetween_EndsTheRun()
    {
        var (plan, accesses) = Plan("branch_between");
        Assert.Equal(4, plan.CheckedBytes(accesses[0], 4));
        Assert.Equal(4, plan.CheckedBytes(accesses[1], 4));
    }

    /// <summary>What a call observably did: its result or trap, then the watched word and the global.</summary>
    private sealed record Outcome(string Result, int Word, int Global);

    private static Outcome RunOnEngine(byte[] bytes, string export, int[] arguments)
    {
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(bytes));
        string result;
        try
        {
            result = instance.GetFunction(export)!.Call([.. arguments.Select(WasmValue.FromInt32)])[0].AsInt32().ToString();
        }
        catch (WasmTrapException trap)
        {
            result = trap.Kind switch
            {
                TrapKind.MemoryOutOfBounds => "trap: out of bounds",
                TrapKind.IntegerDivideByZero => "trap: divide by zero",
                _ => $"trap: {trap.Kind}",
            };
        }
        int word = BitConverter.ToInt32(instance.GetMemory()!.GetSpan(Watched, 4));
        return new Outcome(result, word, instance.GetGlobal("g")!.Value.AsInt32());
    }

    private static Outcome RunOnV8(byte[] bytes, string export, int[] arguments)
    {
        const string Script = """
            const [wasm, name, args] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
            const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(wasm, 'base64')), {});
            let result;
            try { result = String(exports[name](...args)); }
            catch (e) { result = /out of bounds/.test(e.message) ? 'trap: out of bounds' : /divide by zero/.test(e.message) ? 'trap: divide by zero' : 'trap: ' + e.message; }
            const word = new Int32Array(exports.memory.buffer)[65528 / 4];
            console.log(JSON.stringify({ result, word, global: exports.g.value }));
            """;
        var json = NodeScript.Run(Script, new object[] { Convert.ToBase64String(bytes), export, arguments });
        return new Outcome(json.GetProperty("result").GetString()!, json.GetProperty("word").GetInt32(), json.GetProperty("global").GetInt32());
    }

    /// <summary>The plan for one export and its memory accesses in order.</summary>
    private static (BoundsCheckPlan Plan, List<Instruction> Accesses) Plan(string export)
    {
        var module = ModuleReader.Read(Wat.Assemble(Module));
        int index = (int)module.Exports.Single(e => e.Name == export).Index - module.ImportedFunctionCount;
        var body = module.Codes[index];
        var accesses = new List<Instruction>();
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            if (OpcodeTable.Get(ins.Opcode).Immediates is Immediates.MemArg or Immediates.MemArgLane) accesses.Add(ins);
        }
        return (BoundsCheckPlan.Analyze(body), accesses);
    }
}
