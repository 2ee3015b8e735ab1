using System.Globalization;
using System.Text.Json;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>
/// Runs <see cref="CallPlan"/>s on V8 (Node, optimising compiler only: <c>--no-liftoff</c>) through fuzz_host.js,
/// many modules per process so Node's start-up is paid once.
/// </summary>
internal static class NodeHost
{
    public static List<List<string>> Run(IReadOnlyList<(string File, CallPlan Plan)> modules)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Fuzz", "fuzz_host.js");
        var input = JsonSerializer.Serialize(modules.Select(m => new
        {
            file = m.File,
            hangLimit = m.Plan.HangLimitInitializer,
            calls = m.Plan.Calls.Select(c => new
            {
                name = c.Name,
                args = c.Arguments.Select(a => new { t = TypeName(a.Type), v = ArgumentText(a) }),
                results = c.Type.Results.Select(TypeName),
            }),
        }));
        var output = ProcessRunner.Run("node", ["--no-liftoff", script], input, TimeSpan.FromMinutes(5));
        if (output.ExitCode != 0) throw new InvalidOperationException($"node fuzz host failed: {output.Stderr}");
        return JsonSerializer.Deserialize<List<List<string>>>(output.Stdout)!;
    }

    private static string TypeName(ValueType type) => type.ToString().ToLowerInvariant();

    private static string ArgumentText(WasmValue value) => value.Type switch
    {
        ValueType.I32 => value.AsInt32().ToString(CultureInfo.InvariantCulture),
        ValueType.I64 => value.AsInt64().ToString(CultureInfo.InvariantCulture),
        _ => value.Bits.ToString(CultureInfo.InvariantCulture), // float bits: V8 rebuilds the exact value
    };
}
