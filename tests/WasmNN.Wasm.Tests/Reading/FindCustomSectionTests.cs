using System.Text;
using WasmNN.Wasm.Reading;
using WasmNN.Wasm.Tests.Spec;

namespace WasmNN.Wasm.Tests.Reading;

/// <summary><see cref="ModuleReader.FindCustomSection"/>: finds a custom section from the section framing alone.</summary>
public sealed class FindCustomSectionTests
{
    private static byte[] SpecModule(string name) => File.ReadAllBytes(Path.Combine(SpecSuite.Folder("core"), "custom", name));

    [Fact]
    public void FindCustomSection_SpecCustomModule_ReturnsTheFirstPayloadOfThatName()
    {
        // custom.wast, module 1: "a custom section" carries "this is the payload" first, then "this is payload"; the
        // empty name first carries "this is payload".
        var module = SpecModule("custom.0.wasm");
        Assert.Equal("this is the payload", Encoding.UTF8.GetString(ModuleReader.FindCustomSection(module, "a custom section")!.Value.Span));
        Assert.Equal("this is payload", Encoding.UTF8.GetString(ModuleReader.FindCustomSection(module, "")!.Value.Span));
        Assert.Null(ModuleReader.FindCustomSection(module, "wasmnn.meta"));
    }

    [Fact]
    public void FindCustomSection_EveryCustomSectionInSpecSuite_AgreesWithFullDecoding()
    {
        int checkedCount = 0;
        foreach (var command in SpecSuite.ModuleCommands("core", "simd").Where(c => c.Type == "module"))
        {
            var bytes = File.ReadAllBytes(command.FilePath);
            foreach (var section in ModuleReader.Read(bytes).CustomSections.DistinctBy(s => s.Name))
            {
                var found = ModuleReader.FindCustomSection(bytes, section.Name);
                Assert.True(found is { } content && content.Span.SequenceEqual(section.Content.Span), $"{command}: '{section.Name}'");
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= 5, $"only {checkedCount} custom sections in the suite");
    }

    [Theory]
    [InlineData("custom.6.wasm", "length out of bounds")]
    [InlineData("custom.7.wasm", "malformed section id")]
    public void FindCustomSection_MalformedFraming_ThrowsTheSpecProblem(string file, string problem)
    {
        var e = Assert.Throws<WasmFormatException>(() => ModuleReader.FindCustomSection(SpecModule(file), "wasmnn.meta"));
        Assert.StartsWith(problem, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void FindCustomSection_NotWasm_ThrowsMagicHeaderProblem()
    {
        var e = Assert.Throws<WasmFormatException>(() => ModuleReader.FindCustomSection("not a module"u8.ToArray(), "wasmnn.meta"));
        Assert.StartsWith("magic header not detected", e.Problem, StringComparison.Ordinal);
    }
}
