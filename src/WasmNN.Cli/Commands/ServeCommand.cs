using System.CommandLine;
using System.Net;
using System.Text.RegularExpressions;
using WasmNN.Engine;
using WasmNN.Serving;
using WasmNN.Wasm;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn serve [NAME=]MODEL.wasm... [--port P] [--host ADDR] [--instances N] [--queue N] [--max-batch B
/// --batch-timeout MS] [--time-limit MS]</c>: serves compiled models over the Open Inference Protocol until SIGTERM
/// or Ctrl+C, then answers every accepted request and exits 0 (docs/SERVING.md).
/// </summary>
internal static partial class ServeCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("models")
        {
            Description = "Compiled models, each [NAME=]PATH.wasm (NAME defaults to the file name without .wasm)",
            Arity = ArgumentArity.OneOrMore,
        };
        var port = new Option<int>("--port") { Description = "TCP port (0: any free port)", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "0.0.0.0" };
        var instances = new Option<int>("--instances") { Description = "Engine instances per model", DefaultValueFactory = _ => Environment.ProcessorCount };
        var queue = new Option<int>("--queue") { Description = "Requests that may wait per model before 429", DefaultValueFactory = _ => 256 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Rows one run gathers from queued requests (models with a dynamic batch dimension)", DefaultValueFactory = _ => 1 };
        var batchTimeout = new Option<int>("--batch-timeout") { Description = "Milliseconds a run waits to fill its batch", HelpName = "MS", DefaultValueFactory = _ => 2 };
        var timeLimit = new Option<int>("--time-limit") { Description = "Milliseconds a run may take before it is interrupted (0: no limit)", HelpName = "MS", DefaultValueFactory = _ => 30_000 };
        var command = new Command("serve", "Serve compiled models over HTTP (KServe v2 / Open Inference Protocol)")
        {
            models, port, host, instances, queue, maxBatch, batchTimeout, timeLimit,
        };
        command.SetAction(result =>
        {
            // Checked here, not in Validators: System.CommandLine runs those before applying defaults.
            var errors = new List<string>();
            if (result.GetValue(port) is < 0 or > 65535) errors.Add($"--port must be 0..65535, got {result.GetValue(port)}");
            if (!IPAddress.TryParse(result.GetValue(host), out _)) errors.Add($"--host must be an IP address, got '{result.GetValue(host)}'");
            if (result.GetValue(instances) < 1) errors.Add($"--instances must be at least 1, got {result.GetValue(instances)}");
            if (result.GetValue(queue) < 1) errors.Add($"--queue must be at least 1, got {result.GetValue(queue)}");
            if (result.GetValue(maxBatch) < 1) errors.Add($"--max-batch must be at least 1, got {result.GetValue(maxBatch)}");
            if (result.GetValue(batchTimeout) < 0) errors.Add($"--batch-timeout must be 0 or more, got {result.GetValue(batchTimeout)}");
            if (result.GetValue(timeLimit) < 0) errors.Add($"--time-limit must be 0 or more, got {result.GetValue(timeLimit)}");
            foreach (var model in result.GetValue(models) ?? [])
                if (ParseSource(model) is null) errors.Add($"'{model}' is not [NAME=]PATH.wasm with NAME made of letters, digits, '_', '-' and '.'");
            if (errors.Count > 0) return Report.Error(ExitCodes.Usage, $"{errors[0]} (see 'wasmnn serve --help')");
            return Run(
            [.. (result.GetValue(models) ?? []).Select(m => ParseSource(m)!)],
            new ServerOptions
            {
                Address = IPAddress.Parse(result.GetValue(host)!),
                Port = result.GetValue(port),
                Pool = new PoolOptions
                {
                    Instances = result.GetValue(instances),
                    QueueCapacity = result.GetValue(queue),
                    MaxBatch = result.GetValue(maxBatch),
                    BatchTimeout = TimeSpan.FromMilliseconds(result.GetValue(batchTimeout)),
                    TimeLimit = result.GetValue(timeLimit) == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(result.GetValue(timeLimit)),
                },
            });
        });
        return command;
    }

    /// <summary>A model argument: NAME=PATH, or PATH named after its file.</summary>
    internal static ModelSource? ParseSource(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        var (name, path) = equals > 0 ? (argument[..equals], argument[(equals + 1)..]) : (Path.GetFileNameWithoutExtension(argument), argument);
        return path.Length > 0 && ModelName().IsMatch(name) ? new ModelSource(name, path) : null;
    }

    private static int Run(ModelSource[] sources, ServerOptions options)
    {
        foreach (var source in sources)
        {
            if (CommandLineFiles.CheckReadable(source.Path, "model") is { } unreadable) return Report.Error(ExitCodes.Usage, unreadable);
        }
        InferenceServer server;
        try
        {
            server = InferenceServer.StartAsync(sources, options).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is WasmFormatException or FormatException or WasmCompileException or WasmLinkException or WasmTrapException)
        {
            return Report.Error(ExitCodes.Invalid, $"cannot serve: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Report.Error(ExitCodes.Usage, $"cannot serve: {e.Message}");
        }
        server.WaitForShutdownAsync().GetAwaiter().GetResult();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return ExitCodes.Success;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex ModelName();
}
