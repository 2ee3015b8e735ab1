using WasmNN.CodeGen;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// The build with external weights (<c>--weights external</c>, docs/ABI.md): the weights leave the module for a
/// <c>.weights</c> file whose payload is the memory image from <see cref="Address"/> on. The module keeps the
/// expected checksum in an immutable global (set once the payload has been written, which is when it is known) and
/// exports <c>wasmnn_weights_check</c>, which checksums the bytes a host copied in and unlocks <c>wasmnn_run</c>.
/// </summary>
internal sealed class ExternalWeights
{
    /// <summary>The payload's alignment in memory and in the file: one wasm page, so a host can map the file's pages.</summary>
    public const int Alignment = WeightsFile.HeaderBytes;

    private readonly IReadOnlyList<WeightSegment> _segments;

    private ExternalWeights(int address, long bytes, IReadOnlyList<WeightSegment> segments, uint checksumGlobal, uint readyGlobal)
    {
        Address = address;
        Bytes = bytes;
        _segments = segments;
        ChecksumGlobal = checksumGlobal;
        ReadyGlobal = readyGlobal;
    }

    /// <summary>Where the payload goes in memory.</summary>
    public int Address { get; }

    /// <summary>The payload's length (a multiple of 16).</summary>
    public long Bytes { get; }

    /// <summary>The immutable i32 global holding the payload's expected checksum.</summary>
    public uint ChecksumGlobal { get; }

    /// <summary>The mutable i32 global that is 1 once the weights have been checked.</summary>
    public uint ReadyGlobal { get; }

    /// <summary>
    /// Fixes the payload once every weight is placed: from the weights' start to the end of the last weight, with
    /// every segment in that range (tables and strings the module also keeps, so a host copying the payload over
    /// them writes the same bytes) and zeros between.
    /// </summary>
    public static ExternalWeights Plan(ModuleBuilder builder, LoweringContext context, uint readyGlobal)
    {
        var start = context.WeightsStart;
        var end = context.Weights.Where(s => s.IsParameter).Select(s => s.Address + s.Length).DefaultIfEmpty(start).Max();
        var bytes = PlanMemory.AlignUp(end - start);
        var segments = context.Weights.Where(s => s.Address < start + bytes).ToList();
        // Immutable and compiled in, but written only when the payload is: its i32.const has a fixed 5-byte form.
        var checksumGlobal = builder.AddGlobal(new GlobalType(ValueType.I32, false), new CodeWriter().I32Const(0).End());
        builder.Module.Globals[^1] = ChecksumInitialiser(0);
        return new ExternalWeights(start, bytes, segments, checksumGlobal, readyGlobal);
    }

    /// <summary>Adds the global that <c>wasmnn_weights_check</c> sets and <c>wasmnn_run</c> tests.</summary>
    public static uint AddReadyGlobal(ModuleBuilder builder) =>
        builder.AddGlobal(new GlobalType(ValueType.I32, true), new CodeWriter().I32Const(0).End());

    /// <summary><c>wasmnn_run</c>'s first step: return <see cref="ModelAbi.WeightsNotLoaded"/> until the weights are checked.</summary>
    public static void EmitRunGuard(FunctionBuilder run, uint readyGlobal)
    {
        run.Code.Emit(Opcode.GlobalGet, readyGlobal);
        run.Op(Opcode.I32Eqz).Code.If(BlockType.Empty);
        run.I32(ModelAbi.WeightsNotLoaded).Op(Opcode.Return);
        run.Code.End();
    }

    /// <summary>Defines and exports <c>wasmnn_weights_check</c> (<see cref="WeightsFile.Checksum"/> over the payload in memory); returns its index.</summary>
    public uint EmitCheck(ModuleBuilder builder) => CheckFunction = EmitCheckFunction(builder);

    /// <summary>The index of <c>wasmnn_weights_check</c> (after <see cref="EmitCheck"/>).</summary>
    public uint CheckFunction { get; private set; }

    private uint EmitCheckFunction(ModuleBuilder builder)
    {
        var w = new FunctionBuilder();
        var pointer = w.Local(ValueType.I32);
        var hash = w.Local(ValueType.I32);
        w.I32(unchecked((int)WeightsFile.ChecksumSeed)).Set(hash);
        if (Bytes > 0)
        {
            // An unsigned end test, so payloads past 2 GiB of addresses loop correctly.
            w.I32(Address).Set(pointer);
            w.Code.Loop(BlockType.Empty);
            w.Get(hash).Get(pointer).Load32().Op(Opcode.I32Xor).I32(unchecked((int)WeightsFile.ChecksumPrime)).Op(Opcode.I32Mul).Set(hash);
            w.Increment(pointer, 4);
            w.Get(pointer).I32(unchecked((int)(Address + Bytes))).Op(Opcode.I32Ne).Code.Emit(Opcode.BrIf, 0);
            w.Code.End();
        }
        w.Get(hash).Code.Emit(Opcode.GlobalGet, ChecksumGlobal);
        w.Op(Opcode.I32Ne).Code.If(BlockType.Empty);
        w.I32(1).Op(Opcode.Return);
        w.Code.End();
        w.I32(1).Code.Emit(Opcode.GlobalSet, ReadyGlobal);
        w.I32(0);
        w.Finish();
        var index = builder.AddFunction(new FuncType([], [ValueType.I32]), [.. w.Locals], w.Code, ModelAbi.WeightsCheck);
        builder.Export(ModelAbi.WeightsCheck, ExternalKind.Function, index);
        return index;
    }

    /// <summary>Writes the payload to <paramref name="destination"/> and returns its checksum.</summary>
    public uint WritePayload(Stream destination)
    {
        var hashing = new ChecksumStream(destination);
        long at = Address;
        foreach (var segment in _segments)
        {
            hashing.WriteZeros(segment.Address - at);
            segment.Write(hashing);
            at = segment.Address + segment.Length;
        }
        hashing.WriteZeros(Address + Bytes - at);
        return hashing.Finish();
    }

    /// <summary>Sets the checksum the module expects (after <see cref="WritePayload"/>).</summary>
    public void SetChecksum(WasmModule module, uint checksum) =>
        module.Globals[(int)(ChecksumGlobal - module.ImportedGlobalCount)] = ChecksumInitialiser(checksum);

    /// <summary>An immutable i32 global with a 5-byte LEB128 initialiser, so the module's size does not depend on the value.</summary>
    private static Global ChecksumInitialiser(uint checksum)
    {
        var value = unchecked((int)checksum);
        byte[] code = [0x41, 0, 0, 0, 0, 0, 0x0B];
        for (var i = 0; i < 5; i++)
        {
            code[1 + i] = (byte)(((value >> (7 * i)) & 0x7F) | (i < 4 ? 0x80 : 0));
        }
        // The fifth byte holds bits 28-31 and, sign-extended, the value's sign in its upper bits.
        code[5] = (byte)((value >> 28) & 0x7F);
        return new Global(new GlobalType(ValueType.I32, false), new ConstantExpression(code, 0));
    }

    /// <summary>Passes bytes through while computing <see cref="WeightsFile.Checksum"/> (segments are 16-byte aligned, so whole words).</summary>
    private sealed class ChecksumStream(Stream inner) : PassThroughStream(inner)
    {
        private uint _hash = WeightsFile.ChecksumSeed;
        private readonly byte[] _carry = new byte[4];
        private int _carried;

        protected override void Observe(ReadOnlySpan<byte> bytes)
        {
            var rest = bytes;
            while (_carried > 0 && !rest.IsEmpty)
            {
                _carry[_carried++] = rest[0];
                rest = rest[1..];
                if (_carried == 4)
                {
                    _hash = WeightsFile.Checksum(_hash, _carry);
                    _carried = 0;
                }
            }
            var whole = rest.Length / 4 * 4;
            _hash = WeightsFile.Checksum(_hash, rest[..whole]);
            rest[whole..].CopyTo(_carry);
            _carried += rest.Length - whole;
        }

        public void WriteZeros(long count)
        {
            var zeros = new byte[(int)Math.Min(Math.Max(count, 0), 1 << 16)];
            for (var left = count; left > 0; left -= zeros.Length)
            {
                Write(zeros.AsSpan(0, (int)Math.Min(left, zeros.Length)));
            }
        }

        public uint Finish() => _carried == 0 ? _hash : throw new InvalidOperationException("the weights payload is not a whole number of 32-bit words");
    }
}
