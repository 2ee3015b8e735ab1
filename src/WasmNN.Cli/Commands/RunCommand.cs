using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using WasmNN.Compiler.Abi;
using WasmNN.Wasi;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;

namespace WasmNN.Cli.Commands;

/// <summary>
/// <c>wasmnn run [options] PROGRAM.wasm [ARGS...]</c>: runs a module. The module's kind is detected first,
/// then a handler per kind runs it: WASI commands, and compiled models (a <c>wasmnn.meta</c> custom section,
/// <see cref="ModelRunCommand"/>).
/// </summary>
internal static class RunCommand
{
    /// <summary>
    /// The longest <c>--timeout</c>: the run's timer counts whole milliseconds in an int (2,147,483,647 ms, about
    /// 24.8 days).
    /// </summary>
    private const double MaxTimeoutSeconds = 2_147_483;

    /// <summary>The shortest <c>--timeout</c>: the timer's resolution, one millisecond.</summary>
    private const double MinTimeoutSeconds = 0.001;

    /// <summary>What <c>run</c> found in the file.</summary>
    internal enum ModuleKind { WasiProgram, Model }

    public static Command Create()
    {
        var program = new Argument<string>("program") { Description = "The .wasm file to run" };
        var arguments = new Argument<string[]>("args")
        {
            Description = "Arguments for the program (everything after PROGRAM is passed through)",
            Arity = ArgumentArity.ZeroOrMore,
            CaptureRemainingTokens = true,
        };
        var dirs = new Option<string[]>("--dir")
        {
            Description = "Preopen host directory HOST, seen by the program as GUEST (default: HOST itself); repeatable",
            HelpName = "HOST[::GUEST]",
            AllowMultipleArgumentsPerToken = false,
        };
        var env = new Option<string[]>("--env")
        {
            Description = "Set an environment variable for the program (the host's environment is not passed); repeatable",
            HelpName = "NAME=VALUE",
            AllowMultipleArgumentsPerToken = false,
        };
        var timeout = new Option<double?>("--timeout")
        {
            Description = "Stop the program after this many seconds of wall-clock time",
            HelpName = "SECONDS",
            CustomParser = ParseTimeout,
        };
        var maxMemory = new Option<long?>("--max-memory")
        {
            Description = "Cap the program's linear memory (bytes; K, M, G suffixes allowed)",
            HelpName = "BYTES",
            CustomParser = ParseByteSize,
        };
        var command = new Command("run", "Run a WebAssembly module: a WASI command (stdin/stdout/stderr and exit code are ours)")
        {
            program, arguments, dirs, env, timeout, maxMemory,
        };
        command.Validators.Add(result =>
        {
            foreach (var variable in result.GetValue(env) ?? [])
                if (variable.IndexOf('=', StringComparison.Ordinal) <= 0) result.AddError($"--env expects NAME=VALUE, got '{variable}'");
            foreach (var dir in result.GetValue(dirs) ?? [])
                if (!dir.Split("::")[0].Any(c => !char.IsWhiteSpace(c))) result.AddError($"--dir expects HOST[::GUEST] with a host folder, got '{dir}'");
        });
        command.SetAction(result => Run(new RunRequest(
            result.GetValue(program)!,
            result.GetValue(arguments) ?? [],
            result.GetValue(dirs) ?? [],
            result.GetValue(env) ?? [],
            result.GetValue(timeout),
            result.GetValue(maxMemory))));
        return command;
    }

    /// <summary>Everything the command line said, before the module's kind is known.</summary>
    internal sealed record RunRequest(string Program, string[] Arguments, string[] Dirs, string[] Environment,
        double? TimeoutSeconds, long? MaxMemoryBytes);

    internal static int Run(RunRequest request)
    {
        if (CommandLineFiles.TryReadAllBytes(request.Program, "module", out var error) is not { } bytes)
        {
            return Report.Error(ExitCodes.Usage, error!);
        }
        if (ModelVariants.LooksLikeManifest(bytes))
        {
            return RunVariant(request, bytes);
        }
        return Detect(bytes) switch
        {
            ModuleKind.Model => ModelRunCommand.Run(request.Program, request.Arguments, bytes) ?? RunWasiProgram(request, bytes),
            _ => RunWasiProgram(request, bytes),
        };
    }

    /// <summary>A variants manifest: runs the best variant our engine supports, as the JavaScript loader picks for its host.</summary>
    private static int RunVariant(RunRequest request, byte[] manifest)
    {
        string path;
        try
        {
            (var variant, path) = Runtime.CompiledModel.ChooseVariant(request.Program, manifest);
            Console.WriteLine($"variant: {variant.Name} ({path})");
        }
        catch (FormatException e)
        {
            return Report.Error(ExitCodes.Invalid, e.Message.StartsWith(request.Program, StringComparison.Ordinal) ? e.Message : $"{request.Program}: {e.Message}");
        }
        if (CommandLineFiles.TryReadAllBytes(path, "module", out var error) is not { } bytes)
        {
            return Report.Error(ExitCodes.Usage, error!);
        }
        return ModelRunCommand.Run(path, request.Arguments, bytes) ?? Report.Error(ExitCodes.Invalid, $"{path}: a variant must be a model, not a WASI program");
    }

    private static int RunWasiProgram(RunRequest request, byte[] bytes)
    {
        var options = new WasiOptions
        {
            Arguments = [request.Program, .. request.Arguments],
            Environment = request.Environment,
            Preopens = [.. request.Dirs.Select(Preopen.Parse)],
            Stdin = new WasiStream(Console.OpenStandardInput(), !Console.IsInputRedirected),
            Stdout = new WasiStream(Console.OpenStandardOutput(), !Console.IsOutputRedirected),
            Stderr = new WasiStream(Console.OpenStandardError(), !Console.IsErrorRedirected),
        };
        var limits = new WasiRunLimits
        {
            Timeout = request.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            MaxMemoryBytes = request.MaxMemoryBytes,
        };
        var result = WasiRunner.Run(bytes, options, limits);
        if (result.Message is { } message) Console.Error.WriteLine($"wasmnn: {message}");
        return result.ExitCode;
    }

    /// <summary>
    /// A module with the model marker (the <c>wasmnn.meta</c> custom section) is a model. Only the section framing is
    /// read; a malformed file counts as "not a model", and the WASI path then reports the real decoding error.
    /// </summary>
    internal static ModuleKind Detect(byte[] module)
    {
        try
        {
            return ModuleReader.FindCustomSection(module, ModelAbi.MetadataSection) is null ? ModuleKind.WasiProgram : ModuleKind.Model;
        }
        catch (WasmFormatException)
        {
            return ModuleKind.WasiProgram;
        }
    }

    private static double? ParseTimeout(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : "";
        // NumberStyles.Float takes "NaN" and "Infinity" as numbers; the range test below rejects both.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= MinTimeoutSeconds && seconds <= MaxTimeoutSeconds)
            return seconds;
        result.AddError($"--timeout expects seconds between {MinTimeoutSeconds} and {MaxTimeoutSeconds:F0}, got '{text}'");
        return null;
    }

    private static long? ParseByteSize(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : "";
        long multiplier = 1;
        if (text.Length > 0 && char.ToUpperInvariant(text[^1]) is 'K' or 'M' or 'G' && text.Length > 1)
        {
            multiplier = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
            text = text[..^1];
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= long.MaxValue / multiplier)
            return value * multiplier;
        result.AddError($"--max-memory expects a byte count such as 67108864 or 64M, got '{string.Join(' ', result.Tokens.Select(t => t.Value))}'");
        return null;
    }
}
