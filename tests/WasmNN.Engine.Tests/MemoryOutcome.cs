namespace WasmNN.Engine.Tests;

/// <summary>
/// Runs one export of a module with one memory, filled with the same pattern, on our engine or on Node's V8 (the
/// independent engine) and reports what the call observably did, for tests of compilations that must not change it.
/// </summary>
internal static class MemoryOutcome
{
    /// <summary>What a call observably did: its result or trap, and an FNV hash of the memory.</summary>
    public sealed record Outcome(string Result, uint MemoryHash);

    private static uint Hash(ReadOnlySpan<byte> memory)
    {
        uint hash = 2166136261;
        foreach (byte b in memory) hash = (hash ^ b) * 16777619;
        return hash;
    }

    public static Outcome OnEngine(byte[] bytes, string export, int[] arguments, EngineOptions? options = null)
    {
        var engine = new Engine(options);
        var instance = new Linker(engine).Instantiate(engine.Compile(bytes));
        var memory = instance.GetMemory()!;
        Fill(memory.Span);
        string result;
        try
        {
            result = instance.GetFunction(export)!.Call([.. arguments.Select(WasmValue.FromInt32)])[0].AsInt32().ToString();
        }
        catch (WasmTrapException trap)
        {
            result = trap.Kind == TrapKind.MemoryOutOfBounds ? "trap: out of bounds" : $"trap: {trap.Kind}";
        }
        return new Outcome(result, Hash(memory.Span));
    }

    private static void Fill(Span<byte> memory)
    {
        for (int i = 0; i < memory.Length; i++) memory[i] = (byte)(i * 7 + (i >> 8));
    }

    public static Outcome OnV8(byte[] bytes, string export, int[] arguments)
    {
        const string Script = """
            const [wasm, name, args] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
            const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(wasm, 'base64')), {});
            const memory = new Uint8Array(exports.memory.buffer);
            for (let i = 0; i < memory.length; i++) memory[i] = (i * 7 + (i >> 8)) & 255;
            let result;
            try { result = String(exports[name](...args)); }
            catch (e) { result = /out of bounds/.test(e.message) ? 'trap: out of bounds' : 'trap: ' + e.message; }
            let hash = 2166136261;
            for (const b of memory) hash = Math.imul(hash ^ b, 16777619) >>> 0;
            console.log(JSON.stringify({ result, hash }));
            """;
        var json = NodeScript.Run(Script, new object[] { Convert.ToBase64String(bytes), export, arguments });
        return new Outcome(json.GetProperty("result").GetString()!, json.GetProperty("hash").GetUInt32());
    }
}
