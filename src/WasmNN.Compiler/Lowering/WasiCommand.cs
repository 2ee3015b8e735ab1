using System.Text;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.IO;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// The <c>--wasi</c> build: WASI preview1 imports and a <c>_start</c> that takes the input .npy paths then the
/// output .npy paths as arguments (relative to the first preopened directory), checks each input's magic, dtype,
/// order and shape against the model, runs it and writes each output as .npy. Any problem: one line on stderr
/// naming it and the file, exit status 1.
/// </summary>
internal static class WasiCommand
{
    private const string Wasi = "wasi_snapshot_preview1";
    private const int MaxArguments = 256;
    private const int ArgumentBytes = 16384;
    private const int MaxHeaderBytes = 65536;

    /// <summary>Function indices of the imported WASI functions.</summary>
    internal sealed record Imports(uint ArgsSizesGet, uint ArgsGet, uint FdPrestatGet, uint PathOpen, uint FdRead, uint FdWrite, uint FdClose, uint ProcExit);

    public static Imports ImportFunctions(ModuleBuilder builder)
    {
        FuncType Type(ValueType[] parameters, ValueType[] results) => new([.. parameters], [.. results]);
        var i32 = ValueType.I32;
        var i64 = ValueType.I64;
        return new Imports(
            builder.ImportFunction(Wasi, "args_sizes_get", Type([i32, i32], [i32])),
            builder.ImportFunction(Wasi, "args_get", Type([i32, i32], [i32])),
            builder.ImportFunction(Wasi, "fd_prestat_get", Type([i32, i32], [i32])),
            builder.ImportFunction(Wasi, "path_open", Type([i32, i32, i32, i32, i32, i64, i64, i32, i32], [i32])),
            builder.ImportFunction(Wasi, "fd_read", Type([i32, i32, i32, i32], [i32])),
            builder.ImportFunction(Wasi, "fd_write", Type([i32, i32, i32, i32], [i32])),
            builder.ImportFunction(Wasi, "fd_close", Type([i32], [i32])),
            builder.ImportFunction(Wasi, "proc_exit", Type([i32], [])));
    }

    public static void Emit(ModuleBuilder builder, LoweringContext context, Imports imports, ModelMetadata metadata, int[] inputAddresses, int[] outputAddresses, uint run)
    {
        var inputs = metadata.Inputs;
        var outputs = metadata.Outputs;
        // Fixed work area: argc, buffer size, iovecs, counters, then argv and its strings.
        var area = context.Reserve(64 + MaxArguments * 4 + ArgumentBytes);
        int argc = area, argvBytes = area + 4, iov = area + 8, count = area + 40, fd = area + 44, prestat = area + 48;
        int argv = area + 64, argvBuffer = argv + MaxArguments * 4;
        var stagingBytes = MaxHeaderBytes + inputs.Select(t => t.ByteCount).DefaultIfEmpty(0).Max() + 16;
        var staging = context.Reserve(stagingBytes);
        int Text(string s) => context.AddBytes("text:" + s, Encoding.UTF8.GetBytes(s));

        var fail = EmitFail(builder, context, imports, iov, count);
        var contains = EmitContains(builder);
        var usage = $"usage: {metadata.Model}.wasm {string.Join(" ", inputs.Select(t => t.Name + ".npy"))} {string.Join(" ", outputs.Select(t => t.Name + ".npy"))} (inputs, then outputs)";

        var w = new KernelWriter();
        var path = w.Local(ValueType.I32);
        var pathLength = w.Local(ValueType.I32);
        var total = w.Local(ValueType.I32);
        var dataStart = w.Local(ValueType.I32);
        void Fail(string message, bool withPath)
        {
            w.I32(Text(message)).I32(Encoding.UTF8.GetByteCount(message));
            if (withPath)
            {
                w.Get(path).Get(pathLength);
            }
            else
            {
                w.I32(0).I32(0);
            }
            w.Code.Emit(Opcode.Call, fail);
        }
        void IfNonZero(Action then)
        {
            w.Code.If(BlockType.Empty);
            then();
            w.Code.End();
        }

        // Arguments: program, inputs, outputs.
        w.I32(argc).I32(argvBytes).Code.Emit(Opcode.Call, imports.ArgsSizesGet);
        IfNonZero(() => Fail("cannot read the arguments", false));
        w.I32(argc).Load32().I32(1 + inputs.Count + outputs.Count).Op(Opcode.I32Ne);
        w.I32(argvBytes).Load32().I32(ArgumentBytes).Op(Opcode.I32GtU).Op(Opcode.I32Or);
        IfNonZero(() => Fail(usage, false));
        w.I32(argv).I32(argvBuffer).Code.Emit(Opcode.Call, imports.ArgsGet);
        IfNonZero(() => Fail("cannot read the arguments", false));
        w.I32(3).I32(prestat).Code.Emit(Opcode.Call, imports.FdPrestatGet);
        IfNonZero(() => Fail("no preopened directory: grant one (wasmtime --dir ., wasmnn run --dir .)", false));

        void SelectArgument(int index)
        {
            // path = argv[index], length = strlen(path), a leading "./" dropped.
            w.I32(argv + index * 4).Load32().Set(path).I32(0).Set(pathLength);
            w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
            w.Get(path).Get(pathLength).Op(Opcode.I32Add).Code.EmitMemArg(Opcode.I32Load8U, 0, 0);
            w.Op(Opcode.I32Eqz).Code.Emit(Opcode.BrIf, 1);
            w.Increment(pathLength, 1).Code.Emit(Opcode.Br, 0);
            w.Code.End().End();
            w.Get(pathLength).I32(2).Op(Opcode.I32GtU).Get(path).Code.EmitMemArg(Opcode.I32Load16U, 0, 0);
            w.I32('.' | ('/' << 8)).Op(Opcode.I32Eq).Op(Opcode.I32And);
            IfNonZero(() => w.Increment(path, 2).Increment(pathLength, -2));
        }
        void Open(long rights, int openFlags, string failure)
        {
            w.I32(3).I32(1).Get(path).Get(pathLength).I32(openFlags).Code.I64Const(rights).I64Const(0);
            w.I32(0).I32(fd).Code.Emit(Opcode.Call, imports.PathOpen);
            IfNonZero(() => Fail(failure, true));
        }
        void RequireInHeader(string needle, string failure)
        {
            w.I32(staging).Get(dataStart).I32(Text(needle)).I32(Encoding.UTF8.GetByteCount(needle)).Code.Emit(Opcode.Call, contains);
            w.Op(Opcode.I32Eqz);
            IfNonZero(() => Fail(failure, true));
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var info = inputs[i];
            SelectArgument(1 + i);
            Open(1L << 1 /* fd_read */, 0, $"cannot open input '{info.Name}': ");
            // Read the whole file (up to the staging size) into staging.
            w.I32(0).Set(total);
            w.Code.Loop(BlockType.Empty);
            w.I32(iov).I32(staging).Get(total).Op(Opcode.I32Add).Store32();
            w.I32(iov + 4).I32(stagingBytes).Get(total).Op(Opcode.I32Sub).Store32();
            w.I32(fd).Load32().I32(iov).I32(1).I32(count).Code.Emit(Opcode.Call, imports.FdRead);
            IfNonZero(() => Fail($"cannot read input '{info.Name}': ", true));
            w.Get(total).I32(count).Load32().Op(Opcode.I32Add).Set(total);
            w.I32(count).Load32().I32(0).Op(Opcode.I32Ne).Get(total).I32(stagingBytes).Op(Opcode.I32LtU).Op(Opcode.I32And).Code.Emit(Opcode.BrIf, 0);
            w.Code.End();
            w.I32(fd).Load32().Code.Emit(Opcode.Call, imports.FdClose);
            w.Op(Opcode.Drop);
            // Magic and version 1 (2-byte header length) or 2/3 (4-byte).
            w.Get(total).I32(12).Op(Opcode.I32LtU).I32(staging).Load32().I32(0x4D554E93).Op(Opcode.I32Ne).Op(Opcode.I32Or)
                .I32(staging + 4).Code.EmitMemArg(Opcode.I32Load16U, 0, 0);
            w.I32(0x5950).Op(Opcode.I32Ne).Op(Opcode.I32Or);
            IfNonZero(() => Fail($"input '{info.Name}' is not a .npy file: ", true));
            w.I32(staging + 6).Code.EmitMemArg(Opcode.I32Load8U, 0, 0);
            w.I32(1).Op(Opcode.I32Eq);
            w.Code.If(new BlockType(false, ValueType.I32, 0));
            w.I32(staging + 8).Code.EmitMemArg(Opcode.I32Load16U, 0, 0);
            w.I32(10).Op(Opcode.I32Add);
            w.Code.Else();
            w.I32(staging + 8).Load32().I32(12).Op(Opcode.I32Add);
            w.Code.End();
            w.Set(dataStart);
            w.Get(dataStart).I32(MaxHeaderBytes).Op(Opcode.I32GtU);
            IfNonZero(() => Fail($"input '{info.Name}' has an oversized .npy header: ", true));
            RequireInHeader("'descr': '<f4'", $"input '{info.Name}' must be float32 ('<f4'): ");
            RequireInHeader("'fortran_order': False", $"input '{info.Name}' must be in C order: ");
            var shape = info.Shape.Length == 1 ? $"({info.Shape[0]},)" : $"({string.Join(", ", info.Shape)})";
            RequireInHeader($"'shape': {shape}", $"input '{info.Name}' must have shape {shape}: ");
            w.Get(total).Get(dataStart).Op(Opcode.I32Sub).I32(info.ByteCount).Op(Opcode.I32Ne);
            IfNonZero(() => Fail($"input '{info.Name}' holds the wrong number of bytes for shape {shape}: ", true));
            w.Copy(() => w.I32(inputAddresses[i]), () => w.I32(staging).Get(dataStart).Op(Opcode.I32Add), info.ByteCount);
        }

        w.Code.Emit(Opcode.Call, run);
        IfNonZero(() => Fail("the model failed", false));

        for (var i = 0; i < outputs.Count; i++)
        {
            var info = outputs[i];
            using var header = new MemoryStream();
            Npy.Write(header, Tensor.Zeros(DataType.Float32, info.Shape.Length == 0 ? [1] : info.Shape));
            var headerBytes = header.ToArray()[..^info.ByteCount];
            var headerAddress = context.AddBytes($"npy:{i}", headerBytes);
            SelectArgument(1 + inputs.Count + i);
            Open(1L << 6 /* fd_write */, 1 | 8 /* creat | trunc */, $"cannot create output '{info.Name}': ");
            w.I32(iov).I32(headerAddress).Store32().I32(iov + 4).I32(headerBytes.Length).Store32();
            w.I32(iov + 8).I32(outputAddresses[i]).Store32().I32(iov + 12).I32(info.ByteCount).Store32();
            w.I32(fd).Load32().I32(iov).I32(2).I32(count).Code.Emit(Opcode.Call, imports.FdWrite);
            w.I32(count).Load32().I32(headerBytes.Length + info.ByteCount).Op(Opcode.I32Ne).Op(Opcode.I32Or);
            IfNonZero(() => Fail($"cannot write output '{info.Name}': ", true));
            w.I32(fd).Load32().Code.Emit(Opcode.Call, imports.FdClose);
            w.Op(Opcode.Drop);
        }
        w.Finish();
        var start = builder.AddFunction(FuncType.Empty, [.. w.Locals], w.Code, ModelAbi.Start);
        builder.Export(ModelAbi.Start, ExternalKind.Function, start);
    }

    /// <summary><c>fail(message, length, path, pathLength)</c>: "wasmnn: message path\n" on stderr, then exit 1.</summary>
    private static uint EmitFail(ModuleBuilder builder, LoweringContext context, Imports imports, int iov, int count)
    {
        var prefix = context.AddBytes("text:prefix", "wasmnn: "u8.ToArray());
        var newline = context.AddBytes("text:newline", "\n"u8.ToArray());
        var w = new KernelWriter(parameterCount: 4);
        w.I32(iov).I32(prefix).Store32().I32(iov + 4).I32(8).Store32();
        w.I32(iov + 8).Get(0).Store32().I32(iov + 12).Get(1).Store32();
        w.I32(iov + 16).Get(2).Store32().I32(iov + 20).Get(3).Store32();
        w.I32(iov + 24).I32(newline).Store32().I32(iov + 28).I32(1).Store32();
        w.I32(2).I32(iov).I32(4).I32(count).Code.Emit(Opcode.Call, imports.FdWrite);
        w.Op(Opcode.Drop).I32(1).Code.Emit(Opcode.Call, imports.ProcExit);
        w.Op(Opcode.Unreachable);
        w.Finish();
        var i32 = ValueType.I32;
        return builder.AddFunction(new FuncType([i32, i32, i32, i32], []), [.. w.Locals], w.Code, "wasmnn_fail");
    }

    /// <summary><c>contains(haystack, length, needle, needleLength) -> i32</c>: 1 when the needle occurs in the haystack.</summary>
    private static uint EmitContains(ModuleBuilder builder)
    {
        var w = new KernelWriter(parameterCount: 4);
        var i = w.Local(ValueType.I32);
        var j = w.Local(ValueType.I32);
        w.I32(0).Set(i);
        w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
        w.Get(i).Get(3).Op(Opcode.I32Add).Get(1).Op(Opcode.I32GtU).Code.Emit(Opcode.BrIf, 1);
        w.I32(0).Set(j);
        w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
        w.Get(j).Get(3).Op(Opcode.I32GeU);
        w.Code.If(BlockType.Empty);
        w.I32(1).Op(Opcode.Return);
        w.Code.End();
        w.Get(0).Get(i).Op(Opcode.I32Add).Get(j).Op(Opcode.I32Add).Code.EmitMemArg(Opcode.I32Load8U, 0, 0);
        w.Get(2).Get(j).Op(Opcode.I32Add).Code.EmitMemArg(Opcode.I32Load8U, 0, 0);
        w.Op(Opcode.I32Ne).Code.Emit(Opcode.BrIf, 1);
        w.Increment(j, 1).Code.Emit(Opcode.Br, 0);
        w.Code.End().End();
        w.Increment(i, 1).Code.Emit(Opcode.Br, 0);
        w.Code.End().End();
        w.I32(0);
        w.Finish();
        var i32 = ValueType.I32;
        return builder.AddFunction(new FuncType([i32, i32, i32, i32], [i32]), [.. w.Locals], w.Code, "wasmnn_contains");
    }
}
