using System.Text.Json;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.SpecTesting;

/// <summary>
/// Runs the WebAssembly spec suite in wabt's JSON form (<c>wast2json</c> output: a JSON script per <c>.wast</c>
/// plus the <c>.wasm</c> modules it names). Every exception from a module is caught and counted, so a failing
/// assertion never stops the run.
/// </summary>
public sealed class SpecTestRunner
{
    private readonly EngineOptions _options;

    /// <summary>Creates a runner whose engines use <paramref name="options"/>.</summary>
    public SpecTestRunner(EngineOptions? options = null)
    {
        _options = options ?? EngineOptions.Default;
    }

    /// <summary>Runs every <c>*.json</c> under <paramref name="directory"/>, in path order.</summary>
    public IReadOnlyList<SpecFileResult> RunDirectory(string directory, Action<SpecFileResult>? onFile = null)
    {
        var results = new List<SpecFileResult>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var result = RunFile(file);
            onFile?.Invoke(result);
            results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// Runs one JSON script. A file that cannot be read or is not a wabt script (not JSON, no <c>commands</c>
    /// array) is one failure naming the file, so a stray JSON file in a folder does not stop the run.
    /// </summary>
    public SpecFileResult RunFile(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return NotAScript(path, name, e.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("commands", out var commands)
                || commands.ValueKind != JsonValueKind.Array)
            {
                return NotAScript(path, name, "it has no \"commands\" array");
            }
            var script = new ScriptState(this, Path.GetDirectoryName(Path.GetFullPath(path))!, name);
            foreach (var command in commands.EnumerateArray()) script.Run(command);
            return new SpecFileResult(script.Name, script.Passed, script.Failures.Count, script.Skips.Count, script.Failures, script.Skips);
        }
    }

    private static SpecFileResult NotAScript(string path, string name, string reason)
    {
        SpecOutcome failure = new(name, 0, "script", $"{path} is not a wabt spec-test script: {reason.ReplaceLineEndings(" ")}");
        return new SpecFileResult(name, 0, 1, 0, [failure], []);
    }

    /// <summary>The state of one script: its engine, linker, named instances and counts.</summary>
    private sealed class ScriptState
    {
        private readonly string _directory;
        private readonly Engine _engine;
        private readonly Linker _linker;
        private readonly Dictionary<string, Instance> _named = [];
        private Instance? _current;
        private string? _loadError;

        public ScriptState(SpecTestRunner runner, string directory, string name)
        {
            _directory = directory;
            Name = name;
            _engine = new Engine(runner._options);
            _linker = new Linker(_engine);
            SpecHost.Define(_linker);
        }

        public string Name { get; }
        public int Passed { get; private set; }
        public List<SpecOutcome> Failures { get; } = [];
        public List<SpecOutcome> Skips { get; } = [];

        public void Run(JsonElement command)
        {
            if (command.ValueKind != JsonValueKind.Object || !command.TryGetProperty("type", out var typeProperty)
                || typeProperty.ValueKind != JsonValueKind.String)
            {
                Failures.Add(new SpecOutcome(Name, 0, "command", $"not a command object with a \"type\": {command}"));
                return;
            }
            string type = typeProperty.GetString()!;
            int line = command.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var number) ? number : 0;
            try
            {
                string? failure = type switch
                {
                    "module" => LoadModule(command),
                    "register" => Register(command),
                    "action" => RunAction(command),
                    "assert_return" => AssertReturn(command),
                    "assert_trap" or "assert_exhaustion" => AssertTrap(command),
                    "assert_invalid" or "assert_malformed" => AssertRejected(command),
                    "assert_unlinkable" => AssertInstantiationFails<WasmLinkException>(command),
                    "assert_uninstantiable" => AssertInstantiationFails<WasmTrapException>(command),
                    _ => $"unknown command type '{type}'",
                };
                if (!type.StartsWith("assert_", StringComparison.Ordinal)) return;
                if (failure is null) Passed++;
                else Failures.Add(new SpecOutcome(Name, line, type, failure));
            }
            catch (SpecSkipException skip)
            {
                if (type.StartsWith("assert_", StringComparison.Ordinal)) Skips.Add(new SpecOutcome(Name, line, type, skip.Message));
            }
            catch (Exception e)
            {
                if (type.StartsWith("assert_", StringComparison.Ordinal)) Failures.Add(new SpecOutcome(Name, line, type, $"{e.GetType().Name}: {e.Message}"));
            }
        }

        private string? LoadModule(JsonElement command)
        {
            _current = null;
            _loadError = null;
            try
            {
                var module = _engine.CompileFile(Path.Combine(_directory, command.GetProperty("filename").GetString()!));
                _current = _linker.Instantiate(module);
                if (command.TryGetProperty("name", out var name)) _named[name.GetString()!] = _current;
            }
            catch (Exception e)
            {
                _loadError = $"module did not load: {e.GetType().Name}: {e.Message}";
            }
            return null;
        }

        private string? Register(JsonElement command)
        {
            var instance = Resolve(command);
            _linker.DefineInstance(command.GetProperty("as").GetString()!, instance);
            return null;
        }

        private Instance Resolve(JsonElement command)
        {
            if (command.TryGetProperty("name", out var name) || command.TryGetProperty("module", out name))
            {
                return _named.TryGetValue(name.GetString()!, out var named) ? named : throw new InvalidOperationException($"no module named {name.GetString()}");
            }
            return _current ?? throw new InvalidOperationException(_loadError ?? "no module loaded");
        }

        private WasmValue[] Perform(JsonElement action)
        {
            var instance = Resolve(action);
            string field = action.GetProperty("field").GetString()!;
            switch (action.GetProperty("type").GetString())
            {
                case "invoke":
                {
                    var function = instance.GetFunction(field) ?? throw new InvalidOperationException($"no exported function '{field}'");
                    var args = action.GetProperty("args").EnumerateArray().Select(SpecValues.Parse).ToArray();
                    return function.Call(args);
                }
                case "get":
                    return [(instance.GetGlobal(field) ?? throw new InvalidOperationException($"no exported global '{field}'")).Value];
                default:
                    throw new InvalidOperationException($"unknown action {action.GetProperty("type")}");
            }
        }

        private string? RunAction(JsonElement command)
        {
            Perform(command.GetProperty("action"));
            return null;
        }

        private string? AssertReturn(JsonElement command)
        {
            // wabt writes a relaxed-SIMD result with several allowed values as "either": [one value per option].
            if (command.TryGetProperty("either", out var options))
            {
                var results = Perform(command.GetProperty("action"));
                if (results.Length != 1) return $"got {results.Length} results, expected 1";
                return options.EnumerateArray().Any(o => SpecValues.Mismatch(o, results[0]) is null)
                    ? null
                    : $"got {results[0]}, expected one of {options}";
            }
            var expected = command.GetProperty("expected").EnumerateArray().ToArray();
            var actual = Perform(command.GetProperty("action"));
            if (actual.Length != expected.Length) return $"got {actual.Length} results, expected {expected.Length}";
            for (int i = 0; i < actual.Length; i++)
            {
                if (SpecValues.Mismatch(expected[i], actual[i]) is string problem) return $"result {i}: {problem}";
            }
            return null;
        }

        private string? AssertTrap(JsonElement command)
        {
            string text = command.GetProperty("text").GetString()!;
            try
            {
                var results = Perform(command.GetProperty("action"));
                return $"returned {string.Join(", ", results)} instead of trapping with \"{text}\"";
            }
            catch (WasmTrapException trap)
            {
                return text.StartsWith(trap.SpecMessage, StringComparison.Ordinal) ? null : $"trapped with \"{trap.SpecMessage}\", expected \"{text}\"";
            }
        }

        private string? AssertRejected(JsonElement command)
        {
            if (command.TryGetProperty("module_type", out var moduleType) && moduleType.GetString() == "text")
            {
                throw new SpecSkipException(SpecSkips.TextFormat);
            }
            if (command.GetProperty("type").GetString() == "assert_invalid" && command.GetProperty("text").GetString() == SpecSkips.StaleMultipleTablesText)
            {
                throw new SpecSkipException(SpecSkips.StaleMultipleTables);
            }
            try
            {
                _engine.CompileFile(Path.Combine(_directory, command.GetProperty("filename").GetString()!));
                return $"module was accepted, expected \"{command.GetProperty("text").GetString()}\"";
            }
            catch (WasmFormatException)
            {
                return null;
            }
        }

        private string? AssertInstantiationFails<TException>(JsonElement command) where TException : Exception
        {
            var module = _engine.CompileFile(Path.Combine(_directory, command.GetProperty("filename").GetString()!));
            try
            {
                _linker.Instantiate(module);
                return $"module was instantiated, expected \"{command.GetProperty("text").GetString()}\"";
            }
            catch (TException)
            {
                return null;
            }
        }
    }
}

/// <summary>The <c>spectest</c> host module every spec script may import from.</summary>
internal static class SpecHost
{
    public static void Define(Linker linker)
    {
        const string module = "spectest";
        linker.DefineFunction(module, "print", () => { });
        linker.DefineFunction(module, "print_i32", (int _) => { });
        linker.DefineFunction(module, "print_i64", (long _) => { });
        linker.DefineFunction(module, "print_f32", (float _) => { });
        linker.DefineFunction(module, "print_f64", (double _) => { });
        linker.DefineFunction(module, "print_i32_f32", (int _, float _) => { });
        linker.DefineFunction(module, "print_f64_f64", (double _, double _) => { });
        linker.Define(module, "global_i32", new WasmGlobal(new GlobalType(ValueType.I32, false), 666));
        linker.Define(module, "global_i64", new WasmGlobal(new GlobalType(ValueType.I64, false), 666L));
        linker.Define(module, "global_f32", new WasmGlobal(new GlobalType(ValueType.F32, false), 666.6f));
        linker.Define(module, "global_f64", new WasmGlobal(new GlobalType(ValueType.F64, false), 666.6));
        linker.Define(module, "table", new WasmTable(ValueType.FuncRef, 10, 20));
        linker.Define(module, "memory", new WasmMemory(1, 2, linker.Engine.Options));
    }
}
