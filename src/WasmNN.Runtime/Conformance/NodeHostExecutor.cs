using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;

namespace WasmNN.Runtime.Conformance;

/// <summary>
/// Runs each compiled module on Node's V8 instead of our engine: one Node process running a host script (the CLI's
/// node-host.mjs, which loads modules through the npm package's loader) serves every module of a run over
/// stdin/stdout, so a sample of hundreds of tests costs one Node start-up, not one per test.
/// </summary>
/// <remarks>
/// Frames both ways are a little-endian u32 length, that many bytes of JSON header, then the payloads the header
/// counts. Requests: <c>{"op":"load","bytes":N}</c> + the module; <c>{"op":"run","inputs":[N0,N1...]}</c> + each
/// input's raw bytes in ABI order. Replies: <c>{}</c> after a load, <c>{"outputs":[{"dims":[..],"bytes":N}..]}</c>
/// + each output's bytes after a run, or <c>{"error":"...","unsupported":bool}</c>. A string tensor's bytes are the
/// UTF-8 JSON array of its strings.
/// </remarks>
public sealed class NodeHostExecutor : CompiledGraphExecutor
{
    private readonly string _nodePath;
    private readonly string _hostScript;
    private Process? _process;
    private readonly StringBuilder _stderr = new();

    /// <summary>Creates an executor that starts <paramref name="nodePath"/> on <paramref name="hostScript"/> at its first module.</summary>
    public NodeHostExecutor(string nodePath, string hostScript, CompileOptions? options = null) : base(options)
    {
        _nodePath = nodePath;
        _hostScript = hostScript;
    }

    /// <inheritdoc/>
    protected override void Load(byte[] wasm)
    {
        var reply = Exchange(new HostRequest("load", wasm.Length, null), [wasm]);
        ThrowOnError(reply.Header, "load");
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<TensorInfo> outputs)
    {
        // A string tensor crosses the protocol as the JSON array of its strings; the loader lays it out (docs/ABI.md).
        var payloads = inputs.Select(t => t.DataType.IsString() ? JsonSerializer.SerializeToUtf8Bytes(t.AsStrings(), HostJson.Default.StringArray) : t.AsBytes().ToArray()).ToList();
        var reply = Exchange(new HostRequest("run", null, [.. payloads.Select(p => p.Length)]), payloads);
        ThrowOnError(reply.Header, "run");
        var results = reply.Header.Outputs ?? [];
        if (results.Length != outputs.Count)
        {
            throw new GraphException($"node returned {results.Length} outputs, the module has {outputs.Count}");
        }
        return [.. outputs.Select((info, i) =>
        {
            if (info.IsString)
            {
                var strings = JsonSerializer.Deserialize(reply.Payloads[i], HostJson.Default.StringArray) ?? [];
                return strings.Length == Shapes.ElementCount(results[i].Dims) ? Tensor.FromStrings(results[i].Dims, strings)
                    : throw new GraphException($"node returned {strings.Length} strings for output '{info.Name}' of shape {Shapes.Format(results[i].Dims)}");
            }
            var tensor = Tensor.Zeros(TensorInfo.DataTypeOf(info.DType), results[i].Dims);
            if (tensor.AsBytes().Length != reply.Payloads[i].Length)
            {
                throw new GraphException($"node returned {reply.Payloads[i].Length} bytes for output '{info.Name}' of shape {Shapes.Format(results[i].Dims)}");
            }
            reply.Payloads[i].CopyTo(tensor.AsBytes());
            return tensor;
        })];
    }

    /// <inheritdoc/>
    protected override void Unload()
    {
        // The host drops its module when the next one loads; nothing to send.
    }

    private static void ThrowOnError(HostReply reply, string stage)
    {
        if (reply.Error is { } error)
        {
            throw reply.Unsupported
                ? new UnsupportedOperatorException($"node host: {error}")
                : new GraphException($"on node ({stage}): {error}");
        }
    }

    private (HostReply Header, List<byte[]> Payloads) Exchange(HostRequest request, IReadOnlyList<byte[]> payloads)
    {
        var process = EnsureStarted();
        try
        {
            var stdin = process.StandardInput.BaseStream;
            WriteFrame(stdin, JsonSerializer.SerializeToUtf8Bytes(request, HostJson.Default.HostRequest), payloads);
            stdin.Flush();
            var stdout = process.StandardOutput.BaseStream;
            var header = JsonSerializer.Deserialize(ReadExactly(stdout, ReadLength(stdout)), HostJson.Default.HostReply)
                ?? throw new GraphException("node sent an empty reply");
            var lengths = header.Outputs?.Select(o => o.Bytes) ?? [];
            return (header, [.. lengths.Select(n => ReadExactly(stdout, n))]);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or JsonException or ObjectDisposedException)
        {
            // The process died (a V8 crash, out of memory): report it on this test and start afresh for the next.
            var message = Stop();
            throw new GraphException($"node exited during {request.Op}: {(message.Length > 0 ? message : e.Message)}");
        }
    }

    private Process EnsureStarted()
    {
        if (_process is { HasExited: false })
        {
            return _process;
        }
        Stop();
        var start = new ProcessStartInfo(_nodePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_hostScript);
        try
        {
            _process = Process.Start(start) ?? throw new GraphException($"cannot start {_nodePath}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new GraphException($"cannot start {_nodePath}: {e.Message}", e);
        }
        lock (_stderr)
        {
            _stderr.Clear();
        }
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(line);
                }
            }
        };
        _process.BeginErrorReadLine();
        return _process;
    }

    /// <summary>Stops the process, if any; returns the last line it wrote to stderr.</summary>
    private string Stop()
    {
        if (_process is not { } process)
        {
            return "";
        }
        _process = null;
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
            }
            process.WaitForExit();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
        lock (_stderr)
        {
            return _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        }
    }

    private static void WriteFrame(Stream stream, byte[] header, IReadOnlyList<byte[]> payloads)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var payload in payloads)
        {
            stream.Write(payload);
        }
    }

    private static int ReadLength(Stream stream)
    {
        Span<byte> length = stackalloc byte[4];
        stream.ReadExactly(length);
        return checked((int)BinaryPrimitives.ReadUInt32LittleEndian(length));
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A request to the host script.</summary>
internal sealed record HostRequest(
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("bytes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Bytes,
    [property: JsonPropertyName("inputs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int[]? Inputs);

/// <summary>One output of a run, as the host script reports it.</summary>
internal sealed record HostOutput(
    [property: JsonPropertyName("dims")] int[] Dims,
    [property: JsonPropertyName("bytes")] int Bytes);

/// <summary>The host script's reply.</summary>
internal sealed record HostReply(
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("unsupported")] bool Unsupported = false,
    [property: JsonPropertyName("outputs")] HostOutput[]? Outputs = null);

[JsonSerializable(typeof(HostRequest))]
[JsonSerializable(typeof(HostReply))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class HostJson : JsonSerializerContext;
