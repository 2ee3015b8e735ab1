using System.Diagnostics;
using System.Text.Json;
using WasmNN.Compiler;
using WasmNN.Compiler.IO;
using WasmNN.Engine;
using WasmNN.Runtime;

// Times a compiled model on our engine the way bench.mjs times it on V8: load once, warm up, then per sample write
// the input, Run(), read the output. Appends { model, engine: "wasmnn", ms: [...] } to --json.
//
//   dotnet WasmNN.ModelBench.dll --wasm model.wasm --input input.npy|NAME=x.npy,NAME=y.npy [--name NAME] [--warmup 3] [--runs 10]
//          [--expected output.npy] [--json results.jsonl] [--no-interrupt] [--threads N]
// --threads N runs a threads build (wasmnn compile --threads) on N workers (default: the machine's cores); a list
// (--threads 1,2,4) loads the build once per count and times them interleaved, the order rotating each sample, so a
// shared machine's noise falls on every count alike. With --threads each count is its own engine, "wasmnn-tN".
// --int8-wasm Q.wasm (our build of the model quantized by `wasmnn quantize`) adds engine "wasmnn-int8" to the same
// interleaved runs, checked against --expected-int8 (ORT-web's output on the quantized model).
// --phases FILE (a phase-profile build, `wasmnn compile --threads N --phase-profile`): after the timed runs, runs each
// worker count --runs more times reading the phase profile after every run, and appends one JSON line per count
// ({ model, engine, workers, profile, runs: [area per run], ms }) for `node phases.mjs --from FILE` to print.
var options = ParseArgs(args);
var wasmPath = Required(options, "wasm");
var name = options.GetValueOrDefault("name") ?? Path.GetFileNameWithoutExtension(wasmPath.Split(',')[0]);
var warmup = int.Parse(options.GetValueOrDefault("warmup") ?? "3");
var runs = int.Parse(options.GetValueOrDefault("runs") ?? "10");
// One .npy for the first input, or NAME=PATH pairs separated by commas (int64 input_ids + attention_mask...).
var inputs = Required(options, "input").Split(',').Select(part => part.Split('=', 2)).ToArray();
var engineOptions = new EngineOptions
{
    Interruptible = !options.ContainsKey("no-interrupt"),
    Diagnostics = message => Console.Error.WriteLine($"{name}: engine: {message}"),
};
int?[] threadCounts = options.GetValueOrDefault("threads") is { } threadList ? [.. threadList.Split(',').Select(t => (int?)int.Parse(t))] : [null];
// --wasm a.wasm,b.wasm (an A/B of two builds): every build on every count; engines of the later ones end in "@FILE".
var wasmPaths = wasmPath.Split(',');
var builds = wasmPaths.SelectMany((path, which) => threadCounts.Select(t => (Path: path, Threads: t,
    Engine: (t is { } n ? $"wasmnn-t{n}" : "wasmnn") + (which == 0 ? "" : $"@{Path.GetFileNameWithoutExtension(path)}")))).ToArray();
var engines = builds.Select(b => b.Engine).ToArray();
var int8Path = options.GetValueOrDefault("int8-wasm");
if (int8Path is not null)
{
    engines = [.. engines, "wasmnn-int8"];
}

var load = Stopwatch.StartNew();
var models = builds.Select(b => CompiledModel.Load(b.Path, new CompiledModelOptions { Engine = engineOptions, Threads = b.Threads }))
    .Concat(int8Path is null ? [] : [CompiledModel.Load(int8Path, new CompiledModelOptions { Engine = engineOptions })]).ToArray();
var loadMs = load.Elapsed.TotalMilliseconds / models.Length;
var model = models[0];
var output = new float[model.Outputs[0].ElementCount];
var inputBytes = inputs.Select((part, position) => (
    Index: part.Length == 1 ? position : model.InputIndex(part[0]),
    Bytes: Npy.Read(part[^1]).AsBytes().ToArray())).ToArray();

var first = Stopwatch.StartNew();
foreach (var m in models)
{
    RunOnce(m);
}
var firstMs = first.Elapsed.TotalMilliseconds / models.Length; // includes the JIT of every kernel the graph calls
for (var i = 1; i < warmup; i++)
{
    foreach (var m in models)
    {
        RunOnce(m);
    }
}
var samples = models.Select(_ => new double[runs]).ToArray();
for (var i = 0; i < runs; i++)
{
    for (var j = 0; j < models.Length; j++)
    {
        var k = (i + j) % models.Length;
        var t = Stopwatch.GetTimestamp();
        RunOnce(models[k]);
        samples[k][i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }
}
for (var k = 0; k < models.Length; k++)
{
    Report(engines[k], samples[k], models[k]);
}
if (options.GetValueOrDefault("phases") is { } phasesPath)
{
    for (var k = 0; k < builds.Length; k++)
    {
        RecordPhases(phasesPath, engines[k], models[k]);
    }
}
foreach (var m in models)
{
    m.Dispose();
}
return 0;

void RecordPhases(string path, string engine, CompiledModel timed)
{
    var profile = timed.Metadata.Threads?.Profile ?? throw new ArgumentException($"{wasmPath}: --phases needs a phase-profile build (wasmnn compile --threads N --phase-profile)");
    timed.TakePhaseProfile();
    var areas = new List<double[]>();
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var t = Stopwatch.GetTimestamp();
        RunOnce(timed);
        times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        areas.Add(timed.TakePhaseProfile()!);
    }
    File.AppendAllText(path, JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["model"] = name,
        ["engine"] = engine,
        ["workers"] = timed.Threads,
        ["profile"] = profile,
        ["runs"] = areas,
        ["ms"] = times,
    }) + "\n");
}

void Report(string engine, double[] times, CompiledModel timed)
{
    RunOnce(timed); // the output this engine gives, for the check
    var sorted = times.Order().ToArray();
    var median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[(runs / 2) - 1] + sorted[runs / 2]) / 2;
    Console.WriteLine($"{name,-16} {engine,-8} median {median,9:F2} ms  min {sorted[0],9:F2} ms  ({runs} runs; load {loadMs:F0} ms, first run {firstMs:F0} ms)");
    string? check = null;
    if (options.GetValueOrDefault(engine == "wasmnn-int8" ? "expected-int8" : "expected") is { } expectedPath && File.Exists(expectedPath))
    {
        var expected = Npy.Read(expectedPath).AsFloat32();
        double abs = 0, scale = 0;
        for (var i = 0; i < output.Length; i++)
        {
            abs = Math.Max(abs, Math.Abs(output[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        var rel = scale == 0 ? abs : abs / scale;
        check = $"max abs {abs:E2}  max rel {rel:E2}";
        Console.WriteLine($"{name,-16} {engine + " vs " + Path.GetFileName(expectedPath),-22} {check}");
    }
    if (options.GetValueOrDefault("json") is { } jsonPath)
    {
        var line = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = name,
            ["engine"] = engine,
            ["ms"] = times,
            ["loadMs"] = loadMs,
            ["firstRunMs"] = firstMs,
            ["interruptible"] = engineOptions.Interruptible,
            ["check"] = check,
        });
        File.AppendAllText(jsonPath, line + "\n");
    }
}

void RunOnce(CompiledModel model)
{
    foreach (var (index, bytes) in inputBytes)
    {
        bytes.CopyTo(model.InputBytes(index));
    }
    model.Run();
    model.OutputBuffer(0).CopyTo(output);
}

static Dictionary<string, string?> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string?>();
    for (var i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"unexpected argument '{args[i]}'");
        }
        var key = args[i][2..];
        result[key] = key == "no-interrupt" ? null : args[++i];
    }
    return result;
}

static string Required(Dictionary<string, string?> options, string key) =>
    options.GetValueOrDefault(key) ?? throw new ArgumentException($"missing --{key}");
