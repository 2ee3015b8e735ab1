using System.Runtime.Intrinsics;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;
using WasmNN.Wasm.Validation;
using WasmNN.Wasm.Writing;

namespace WasmNN.Wasm.Tests.Writing;

public sealed class CodeWriterTests
{
    [Fact]
    public void EmittedBody_EqualsWat2wasmEncoding()
    {
        // The same function written in text and assembled by wabt, then emitted with CodeWriter.
        var wasm = WabtTools.Assemble("""
            (module (memory 1)
              (func (param i32) (result i32) (local i64)
                block (result i32)
                  local.get 0
                  i32.load offset=8
                  i32.const -129
                  i32.add
                  local.get 0
                  br_table 0 0
                end
                f32.const 1.5
                drop
                i64.const -9000000000
                local.set 1
                v128.const i32x4 1 2 3 4
                v128.const i32x4 5 6 7 8
                i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                i32x4.extract_lane 3
                i32.add
                local.get 0
                v128.load32_zero
                local.get 0
                v128.const i32x4 0 0 0 0
                v128.load32_lane offset=4 2
                drop drop
                i32.const 0 i32.const 0 i32.const 0 memory.fill
                f32.const 2 i32.trunc_sat_f32_s
                i32.add))
            """);
        var expected = ModuleReader.Read(wasm).Codes[0].Code.ToArray();
        var code = new CodeWriter()
            .Block(new BlockType(false, ValueType.I32, 0))
            .Emit(Opcode.LocalGet, 0).EmitMemArg(Opcode.I32Load, 8).I32Const(-129).Emit(Opcode.I32Add)
            .Emit(Opcode.LocalGet, 0).BrTable([0], 0)
            .End()
            .F32Const(1.5f).Emit(Opcode.Drop)
            .I64Const(-9_000_000_000).Emit(Opcode.LocalSet, 1)
            .V128Const(Vector128.Create(1, 2, 3, 4).AsByte()).V128Const(Vector128.Create(5, 6, 7, 8).AsByte())
            .I8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23])
            .Emit(Opcode.I32x4ExtractLane, 3).Emit(Opcode.I32Add)
            .Emit(Opcode.LocalGet, 0).EmitMemArg(Opcode.V128Load32Zero)
            .Emit(Opcode.LocalGet, 0).V128Const(Vector128<byte>.Zero).EmitMemArgLane(Opcode.V128Load32Lane, 4, 2)
            .Emit(Opcode.Drop).Emit(Opcode.Drop)
            .I32Const(0).I32Const(0).I32Const(0).Emit(Opcode.MemoryFill, 0)
            .F32Const(2f).Emit(Opcode.I32TruncSatF32S)
            .Emit(Opcode.I32Add)
            .End();
        Assert.Equal(expected, code.ToArray());
    }

    [Fact]
    public void Emit_WithWrongImmediates_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CodeWriter().Emit(Opcode.I32Load));
        Assert.Throws<ArgumentException>(() => new CodeWriter().Emit(Opcode.I32Add, 3));
    }

    [Fact]
    public void ModuleBuilder_Output_IsValidForUsAndForWabt()
    {
        var builder = new ModuleBuilder();
        var binary = new FuncType([ValueType.I32, ValueType.I32], [ValueType.I32]);
        uint log = builder.ImportFunction("env", "log", new FuncType([ValueType.I32], []));
        builder.AddMemory(1, 2);
        builder.AddData(16, "hello"u8.ToArray());
        uint add = builder.AddFunction(binary, [ValueType.I32],
            new CodeWriter().Emit(Opcode.LocalGet, 0).Emit(Opcode.LocalGet, 1).Emit(Opcode.I32Add).Emit(Opcode.LocalTee, 2)
                .Emit(Opcode.Call, log).Emit(Opcode.LocalGet, 2).End(), name: "add");
        uint sub = builder.AddFunction(binary, [],
            new CodeWriter().Emit(Opcode.LocalGet, 0).Emit(Opcode.LocalGet, 1).Emit(Opcode.I32Sub).End());
        builder.Export("add", ExternalKind.Function, add);
        builder.Export("memory", ExternalKind.Memory, 0);
        var bytes = builder.ToBytes();

        var module = ModuleReader.Read(bytes);
        ModuleValidator.Validate(module);
        Assert.True(WabtTools.Validates(bytes));
        Assert.Equal(2, module.Types.Count);
        Assert.Equal(module.Functions[0], module.Functions[1]);
        Assert.Equal(2u, sub);
        Assert.Equal("add", module.Names.Functions[add]);
    }
}
