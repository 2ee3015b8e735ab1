using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Printing;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;
using WasmNN.Wasm.Validation;
using WasmNN.Wasm.Writing;

namespace WasmNN.Wasm.Tests.Validation;

/// <summary>
/// The threads proposal's format rules (Overview.md): shared memory limits, and the alignment immediate of an atomic
/// access, which must equal the access's natural alignment exactly (a plain load may use less).
/// </summary>
public sealed class AtomicValidationTests
{
    private static WasmModule ModuleWithAccess(Opcode opcode, uint alignExponent, bool shared = true, uint? maximum = 1)
    {
        var builder = new ModuleBuilder();
        builder.AddMemory(1, maximum, shared);
        var body = new CodeWriter().I32Const(0).EmitMemArg(opcode, alignExponent, 0).Emit(Opcode.Drop).Emit(Opcode.End);
        builder.AddFunction(FuncType.Empty, [], body);
        return ModuleReader.Read(builder.ToBytes());
    }

    [Theory]
    [InlineData(Opcode.I32AtomicLoad, 2u, true)]
    [InlineData(Opcode.I32AtomicLoad, 1u, false)]
    [InlineData(Opcode.I64AtomicLoad16U, 1u, true)]
    [InlineData(Opcode.I64AtomicLoad16U, 0u, false)]
    [InlineData(Opcode.I64AtomicLoad, 3u, true)]
    [InlineData(Opcode.I64AtomicLoad, 4u, false)]
    [InlineData(Opcode.I32Load, 1u, true)]
    public void AlignmentImmediate_AtomicAccess_MustEqualNatural(Opcode opcode, uint alignExponent, bool valid)
    {
        var module = ModuleWithAccess(opcode, alignExponent);
        var wabt = WabtTools.Validates(ModuleWriter.Write(module), "--enable-threads");
        Assert.Equal(valid, wabt);
        if (valid)
        {
            ModuleValidator.Validate(module);
            return;
        }
        var error = Assert.Throws<WasmFormatException>(() => ModuleValidator.Validate(module));
        Assert.StartsWith("alignment must be equal to natural", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AtomicAccess_OnUnsharedMemory_IsValid()
    {
        // Since threads PR #147 atomics validate on unshared memories (only wait traps, at run time).
        ModuleValidator.Validate(ModuleWithAccess(Opcode.I32AtomicLoad, 2, shared: false));
    }

    [Fact]
    public void SharedMemory_WithoutMaximum_IsInvalid()
    {
        var module = ModuleWithAccess(Opcode.I32AtomicLoad, 2, shared: true, maximum: null);
        var error = Assert.Throws<WasmFormatException>(() => ModuleValidator.Validate(module));
        Assert.Equal("shared memory must have maximum", error.Problem);
    }

    [Fact]
    public void SharedLimitsAndAtomics_FromWabt_RoundTripThroughReaderWriterAndPrinter()
    {
        var bytes = WabtTools.Assemble("""
            (module
              (import "env" "memory" (memory 1 4 shared))
              (func (drop (i32.atomic.rmw8.cmpxchg_u offset=4 (i32.const 0) (i32.const 1) (i32.const 2))) (atomic.fence)))
            """, "--enable-threads");
        var module = ModuleReader.Read(bytes);
        Assert.Equal(new Limits(1, 4, Shared: true), module.Imports[0].Memory.Limits);
        ModuleValidator.Validate(module);
        var text = WatPrinter.Print(module);
        Assert.Contains("(memory (;0;) 1 4 shared)", text, StringComparison.Ordinal);
        Assert.Contains("i32.atomic.rmw8.cmpxchg_u offset=4", text, StringComparison.Ordinal);
        Assert.Contains("atomic.fence", text, StringComparison.Ordinal);
        var rewritten = ModuleReader.Read(ModuleWriter.Write(module));
        Assert.Equal(module.Imports, rewritten.Imports);
        Assert.Equal(module.Codes[0].Code.ToArray(), rewritten.Codes[0].Code.ToArray());
    }
}
