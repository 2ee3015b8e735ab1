using System.Text;
using WasmNN.CodeGen;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.IO;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Wasi;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// The <c>--wasi</c> build: WASI preview1 imports and a <c>_start</c> that takes the input .npy paths then the
/// output .npy paths as arguments (relative to the first preopened directory), checks each input's magic, dtype,
/// order and shape against the model, runs it and writes each output as .npy. Any problem: one line on stderr
/// naming it, the file and the errno, exit status 1.
/// </summary>
/// <remarks>
/// WASI lets <c>fd_read</c>/<c>fd_write</c> move fewer bytes than asked (wasmtime writes only the first buffer of a
/// gather write), so every transfer loops until done. Outputs are written to <c>NAME.wasmnn-tmp</c> beside the
/// target and renamed into place once all are complete; on any failure the temporaries are unlinked, so no
/// half-written output is left behind and an existing output stays as it was.
/// </remarks>
internal static class WasiCommand
{
    private const string Wasi = "wasi_snapshot_preview1";
    private const int MaxArguments = 256;
    private const int ArgumentBytes = 16384;
    private const int MaxHeaderBytes = 65536;
    private const string TemporarySuffix = ".wasmnn-tmp";
    private const int ErrnoNameBytes = 16;

    /// <summary>Function indices of the imported WASI functions.</summary>
    internal sealed record Imports(uint ArgsSizesGet, uint ArgsGet, uint FdPrestatGet, uint PathOpen, uint FdRead, uint FdWrite, uint FdClose,
        uint PathRename, uint PathUnlinkFile, uint ProcExit);

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
            builder.ImportFunction(Wasi, "path_rename", Type([i32, i32, i32, i32, i32, i32], [i32])),
            builder.ImportFunction(Wasi, "path_unlink_file", Type([i32, i32, i32], [i32])),
            builder.ImportFunction(Wasi, "proc_exit", Type([i32], [])));
    }

    public static void Emit(ModuleBuilder builder, LoweringContext context, Imports imports, ModelMetadata metadata, int[] inputAddresses, int[] outputAddresses, uint run,
        ExternalWeights? external)
    {
        var inputs = metadata.Inputs;
        var outputs = metadata.Outputs;
        // Fixed work area: argc, buffer size, iovec, counters, temporaries created, then argv and its strings,
        // then each output's temporary name as (pointer, length) and the names themselves.
        var area = context.Reserve(64 + MaxArguments * 4 + ArgumentBytes + outputs.Count * 8 + ArgumentBytes + outputs.Count * TemporarySuffix.Length);
        int argc = area, argvBytes = area + 4, iov = area + 8, count = area + 40, fd = area + 44, prestat = area + 48, temporaries = area + 56;
        int argv = area + 64, argvBuffer = argv + MaxArguments * 4;
        int temporaryTable = argvBuffer + ArgumentBytes, temporaryNames = temporaryTable + outputs.Count * 8;
        var stagingBytes = MaxHeaderBytes + inputs.Select(t => t.ByteCount).DefaultIfEmpty(0).Max() + 16;
        var staging = context.Reserve(stagingBytes);
        int Text(string s) => context.AddBytes("text:" + s, Encoding.UTF8.GetBytes(s));

        var writeAll = EmitWriteAll(builder, imports, iov, count);
        var fail = EmitFail(builder, context, imports, writeAll, temporaries, temporaryTable);
        var contains = EmitContains(builder);
        var usage = $"usage: {metadata.Model}.wasm {string.Join(" ", inputs.Select(t => t.Name + ".npy"))} {string.Join(" ", outputs.Select(t => t.Name + ".npy"))} (inputs, then outputs)";

        var w = new FunctionBuilder();
        var path = w.Local(ValueType.I32);
        var pathLength = w.Local(ValueType.I32);
        var total = w.Local(ValueType.I32);
        var dataStart = w.Local(ValueType.I32);
        var error = w.Local(ValueType.I32);
        var temporary = w.Local(ValueType.I32);
        void Fail(string message, bool withPath, bool withErrno = false)
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
            if (withErrno)
            {
                w.Get(error);
            }
            else
            {
                w.I32(0);
            }
            w.Code.Emit(Opcode.Call, fail);
        }
        void IfNonZero(Action then)
        {
            w.Code.If(BlockType.Empty);
            then();
            w.Code.End();
        }
        // A WASI call's errno on the stack: keep it for the message, fail when non-zero.
        void FailOnErrno(string message, bool withPath)
        {
            w.Tee(error);
            IfNonZero(() => Fail(message, withPath, withErrno: true));
        }

        // Arguments: program, inputs, outputs.
        w.I32(argc).I32(argvBytes).Code.Emit(Opcode.Call, imports.ArgsSizesGet);
        FailOnErrno("cannot read the arguments", false);
        w.I32(argc).Load32().I32(1 + inputs.Count + outputs.Count).Op(Opcode.I32Ne);
        w.I32(argvBytes).Load32().I32(ArgumentBytes).Op(Opcode.I32GtU).Op(Opcode.I32Or);
        IfNonZero(() => Fail(usage, false));
        w.I32(argv).I32(argvBuffer).Code.Emit(Opcode.Call, imports.ArgsGet);
        FailOnErrno("cannot read the arguments", false);
        w.I32(3).I32(prestat).Code.Emit(Opcode.Call, imports.FdPrestatGet);
        IfNonZero(() => Fail("no preopened directory: grant one (wasmtime --dir ., wasmnn run --dir .)", false));
        if (external is not null)
        {
            // The weights file (its name as compiled) from the preopened directory: header, then payload into place.
            var name = metadata.Weights!.File;
            w.I32(Text(name)).Set(path).I32(Encoding.UTF8.GetByteCount(name)).Set(pathLength);
            w.I32(3).I32(1).Get(path).Get(pathLength).I32(0).Code.I64Const(1L << 1 /* fd_read */).I64Const(0);
            w.I32(0).I32(fd).Code.Emit(Opcode.Call, imports.PathOpen);
            FailOnErrno("cannot open the weights file ", true);
            void ReadExactly(int address, long bytes)
            {
                w.I32(0).Set(total);
                w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
                w.Get(total).I32(unchecked((int)bytes)).Op(Opcode.I32GeU).Code.Emit(Opcode.BrIf, 1);
                w.I32(iov).I32(address).Get(total).Op(Opcode.I32Add).Store32();
                w.I32(iov + 4).I32(unchecked((int)bytes)).Get(total).Op(Opcode.I32Sub).Store32();
                w.I32(fd).Load32().I32(iov).I32(1).I32(count).Code.Emit(Opcode.Call, imports.FdRead);
                FailOnErrno("cannot read the weights file ", true);
                w.I32(count).Load32().Op(Opcode.I32Eqz);
                IfNonZero(() => Fail("the weights file is truncated: ", true));
                w.Get(total).I32(count).Load32().Op(Opcode.I32Add).Set(total);
                w.Code.Emit(Opcode.Br, 0);
                w.Code.End().End();
            }
            ReadExactly(staging, WeightsFile.HeaderBytes);
            void Field64(int offset, long expected) =>
                w.I32(staging + offset).Code.EmitMemArg(Opcode.I64Load, 3, 0).I64Const(expected).Emit(Opcode.I64Ne);
            Field64(0, BitConverter.ToInt64(WeightsFile.Magic));
            w.I32(staging + 8).Load32().I32(WeightsFile.Version).Op(Opcode.I32Ne).Op(Opcode.I32Or);
            w.I32(staging + 12).Load32().Code.Emit(Opcode.GlobalGet, external.ChecksumGlobal);
            w.Op(Opcode.I32Ne).Op(Opcode.I32Or);
            Field64(16, WeightsFile.HeaderBytes);
            w.Op(Opcode.I32Or);
            Field64(24, external.Bytes);
            w.Op(Opcode.I32Or);
            Field64(32, external.Address);
            w.Op(Opcode.I32Or);
            IfNonZero(() => Fail("the weights file belongs to another module (or is not a weights file): ", true));
            ReadExactly(external.Address, external.Bytes);
            w.I32(fd).Load32().Code.Emit(Opcode.Call, imports.FdClose);
            w.Op(Opcode.Drop);
            w.Code.Emit(Opcode.Call, external.CheckFunction);
            IfNonZero(() => Fail("the weights file is corrupt (checksum mismatch): ", true));
        }

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
            FailOnErrno(failure, true);
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
            FailOnErrno($"cannot read input '{info.Name}': ", true);
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

        // Each output goes to its temporary, which fail() unlinks from now on (the count in memory says how many exist).
        var suffix = Encoding.UTF8.GetBytes(TemporarySuffix);
        var suffixAddress = context.AddBytes("text:temporary-suffix", suffix);
        w.I32(temporaryNames).Set(temporary);
        w.I32(temporaries).I32(0).Store32();
        for (var i = 0; i < outputs.Count; i++)
        {
            var info = outputs[i];
            using var header = new MemoryStream();
            Npy.Write(header, Tensor.Zeros(DataType.Float32, info.Shape.Length == 0 ? [1] : info.Shape));
            var headerBytes = header.ToArray()[..^info.ByteCount];
            var headerAddress = context.AddBytes($"npy:{i}", headerBytes);
            SelectArgument(1 + inputs.Count + i);
            // temporary = path + suffix, recorded in the table before it exists.
            w.Get(temporary).Get(path).Get(pathLength).Code.Emit(Opcode.MemoryCopy, 0, 0);
            w.Get(temporary).Get(pathLength).Op(Opcode.I32Add).I32(suffixAddress).I32(suffix.Length).Code.Emit(Opcode.MemoryCopy, 0, 0);
            w.I32(temporaryTable + i * 8).Get(temporary).Store32();
            w.I32(temporaryTable + i * 8 + 4).Get(pathLength).I32(suffix.Length).Op(Opcode.I32Add).Store32();
            w.I32(3).I32(1).Get(temporary).Get(pathLength).I32(suffix.Length).Op(Opcode.I32Add).I32(1 | 8 /* creat | trunc */)
                .Code.I64Const(1L << 6 /* fd_write */).I64Const(0);
            w.I32(0).I32(fd).Code.Emit(Opcode.Call, imports.PathOpen);
            FailOnErrno($"cannot create output '{info.Name}': ", true);
            w.I32(temporaries).I32(i + 1).Store32();
            w.Get(temporary).Get(pathLength).Op(Opcode.I32Add).I32(suffix.Length).Op(Opcode.I32Add).Set(temporary);
            w.I32(fd).Load32().I32(headerAddress).I32(headerBytes.Length).Code.Emit(Opcode.Call, writeAll);
            FailOnErrno($"cannot write output '{info.Name}': ", true);
            w.I32(fd).Load32().I32(outputAddresses[i]).I32(info.ByteCount).Code.Emit(Opcode.Call, writeAll);
            FailOnErrno($"cannot write output '{info.Name}': ", true);
            w.I32(fd).Load32().Code.Emit(Opcode.Call, imports.FdClose);
            FailOnErrno($"cannot write output '{info.Name}': ", true);
        }
        // All written: move each into place.
        for (var i = 0; i < outputs.Count; i++)
        {
            var info = outputs[i];
            SelectArgument(1 + inputs.Count + i);
            w.I32(3).I32(temporaryTable + i * 8).Load32().I32(temporaryTable + i * 8 + 4).Load32();
            w.I32(3).Get(path).Get(pathLength).Code.Emit(Opcode.Call, imports.PathRename);
            FailOnErrno($"cannot replace output '{info.Name}': ", true);
        }
        w.I32(temporaries).I32(0).Store32();
        w.Finish();
        var start = builder.AddFunction(FuncType.Empty, [.. w.Locals], w.Code, ModelAbi.Start);
        builder.Export(ModelAbi.Start, ExternalKind.Function, start);
    }

    /// <summary>
    /// <c>fail(message, length, path, pathLength, errno)</c>: "wasmnn: message path[: ENAME]\n" on stderr, then unlinks
    /// the output temporaries created so far and exits 1.
    /// </summary>
    private static uint EmitFail(ModuleBuilder builder, LoweringContext context, Imports imports, uint writeAll, int temporaries, int temporaryTable)
    {
        var prefix = context.AddBytes("text:prefix", "wasmnn: "u8.ToArray());
        var separator = context.AddBytes("text:errno-separator", ": "u8.ToArray());
        var newline = context.AddBytes("text:newline", "\n"u8.ToArray());
        var names = context.AddBytes("text:errno-names", ErrnoNameTable());
        var lastName = Enum.GetValues<Errno>().Max(e => (int)e) + 1; // the "unknown" entry
        var w = new FunctionBuilder(parameterCount: 5);
        var entry = w.Local(ValueType.I32);
        var j = w.Local(ValueType.I32);
        void Write(Action pointer, Action length)
        {
            w.I32(2);
            pointer();
            length();
            w.Code.Emit(Opcode.Call, writeAll);
            w.Op(Opcode.Drop); // nothing better to do when stderr itself fails
        }
        Write(() => w.I32(prefix), () => w.I32(8));
        Write(() => w.Get(0), () => w.Get(1));
        Write(() => w.Get(2), () => w.Get(3));
        w.Get(4);
        w.Code.If(BlockType.Empty);
        Write(() => w.I32(separator), () => w.I32(2));
        // entry = names + min(errno, unknown) * 16: a length byte, then the name.
        w.Get(4).I32(lastName).Get(4).I32(lastName).Op(Opcode.I32LtU).Op(Opcode.Select);
        w.I32(ErrnoNameBytes).Op(Opcode.I32Mul).I32(names).Op(Opcode.I32Add).Set(entry);
        Write(() => w.GetPlus(entry, 1), () => w.Get(entry).Code.EmitMemArg(Opcode.I32Load8U, 0, 0));
        w.Code.End();
        Write(() => w.I32(newline), () => w.I32(1));
        w.ForDynamic(j, () => w.I32(0), () => w.I32(temporaries).Load32(), 1, () =>
        {
            w.I32(3).Get(j).I32(8).Op(Opcode.I32Mul).I32(temporaryTable).Op(Opcode.I32Add).Load32();
            w.Get(j).I32(8).Op(Opcode.I32Mul).I32(temporaryTable + 4).Op(Opcode.I32Add).Load32();
            w.Code.Emit(Opcode.Call, imports.PathUnlinkFile);
            w.Op(Opcode.Drop);
        });
        w.I32(1).Code.Emit(Opcode.Call, imports.ProcExit);
        w.Op(Opcode.Unreachable);
        w.Finish();
        var i32 = ValueType.I32;
        return builder.AddFunction(new FuncType([i32, i32, i32, i32, i32], []), [.. w.Locals], w.Code, "wasmnn_fail");
    }

    /// <summary>Each errno's name (<see cref="ErrnoNames"/>) as a length byte and the bytes, 16 per entry, then "unknown".</summary>
    private static byte[] ErrnoNameTable()
    {
        var values = Enum.GetValues<Errno>();
        var count = values.Max(e => (int)e) + 2;
        var table = new byte[count * ErrnoNameBytes];
        for (var e = 0; e < count; e++)
        {
            var name = Encoding.ASCII.GetBytes(values.Contains((Errno)e) ? ErrnoNames.Of((Errno)e) : "EUNKNOWN");
            table[e * ErrnoNameBytes] = checked((byte)name.Length);
            name.CopyTo(table, e * ErrnoNameBytes + 1);
        }
        return table;
    }

    /// <summary>
    /// <c>write_all(fd, pointer, length) -> errno</c>: fd_write until every byte is written (WASI may write fewer
    /// than asked); a write of nothing without an error gives EIO rather than spinning.
    /// </summary>
    private static uint EmitWriteAll(ModuleBuilder builder, Imports imports, int iov, int count)
    {
        var w = new FunctionBuilder(parameterCount: 3);
        var error = w.Local(ValueType.I32);
        w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
        w.Get(2).Op(Opcode.I32Eqz).Code.Emit(Opcode.BrIf, 1);
        w.I32(iov).Get(1).Store32().I32(iov + 4).Get(2).Store32();
        w.Get(0).I32(iov).I32(1).I32(count).Code.Emit(Opcode.Call, imports.FdWrite);
        w.Tee(error);
        w.Code.If(BlockType.Empty);
        w.Get(error).Op(Opcode.Return);
        w.Code.End();
        w.I32(count).Load32().Op(Opcode.I32Eqz);
        w.Code.If(BlockType.Empty);
        w.I32((int)Errno.Io).Op(Opcode.Return);
        w.Code.End();
        w.Get(1).I32(count).Load32().Op(Opcode.I32Add).Set(1);
        w.Get(2).I32(count).Load32().Op(Opcode.I32Sub).Set(2);
        w.Code.Emit(Opcode.Br, 0);
        w.Code.End().End();
        w.I32(0);
        w.Finish();
        var i32 = ValueType.I32;
        return builder.AddFunction(new FuncType([i32, i32, i32], [i32]), [.. w.Locals], w.Code, "wasmnn_write_all");
    }

    /// <summary><c>contains(haystack, length, needle, needleLength) -> i32</c>: 1 when the needle occurs in the haystack.</summary>
    private static uint EmitContains(ModuleBuilder builder)
    {
        var w = new FunctionBuilder(parameterCount: 4);
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
