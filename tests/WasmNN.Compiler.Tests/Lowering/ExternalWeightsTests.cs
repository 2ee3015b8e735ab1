using System.Buffers.Binary;
using System.Text;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IO;
using WasmNN.Engine;
using WasmNN.Runtime;
using WasmNN.Wasm.Reading;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// <c>--weights external</c>: the module plus its .weights file give bit for bit what the embedded build gives, on
/// our engine, on V8 through the npm loader, and as a WASI command on wasmtime and Node; a wrong, truncated or
/// corrupt weights file is refused in one message.
/// </summary>
public sealed class ExternalWeightsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("wasmnn-weights-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathIn(string name) => Path.Combine(_folder.FullName, name);

    /// <summary>Compiles a shared model into the folder as NAME.wasm (+ NAME.weights when external).</summary>
    private string Compile(string model, string name, bool external, bool wasi = false)
    {
        var path = PathIn(name + ".wasm");
        ModelCompiler.Compile(TestPaths.Model(model + ".onnx"), new CompileOptions { Wasi = wasi, WeightsFile = external ? name + ".weights" : null }).WriteTo(path);
        return path;
    }

    private static float[] RunOnOurEngine(string wasmPath, string model, bool mapWeights = true)
    {
        using var compiled = CompiledModel.Load(wasmPath, new CompiledModelOptions { MapWeights = mapWeights });
        var input = Npy.Read(TestPaths.Model(model + ".input.npy"));
        compiled.InputBuffer(0).Clear();
        input.AsFloat32().CopyTo(compiled.InputBuffer(0));
        compiled.Run();
        return compiled.OutputBuffer(0).ToArray();
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("squeezenet1_1")]
    public void ExternalWeights_OnOurEngine_MatchEmbeddedBitForBit(string model)
    {
        var embedded = Compile(model, "embedded", external: false);
        var external = Compile(model, "external", external: true);

        Assert.Equal(RunOnOurEngine(embedded, model), RunOnOurEngine(external, model));
        // The weights left the module for the file.
        var metadata = ModelMetadata.Read(ModuleReader.Read(File.ReadAllBytes(external)));
        Assert.True(new FileInfo(external).Length + metadata.Weights!.Bytes / 2 < new FileInfo(embedded).Length);
        Assert.Equal(WeightsFile.HeaderBytes + metadata.Weights.Bytes, new FileInfo(PathIn("external.weights")).Length);
        Assert.Equal(0, metadata.Weights.Address % WeightsFile.HeaderBytes);
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("squeezenet1_1")]
    public void ExternalWeights_MappedFromTheFile_MatchEmbeddedAndReadBitForBit_AndLeaveTheFile(string model)
    {
        var embedded = RunOnOurEngine(Compile(model, "embedded", external: false), model);
        var external = Compile(model, "external", external: true);
        var weightsBefore = File.ReadAllBytes(PathIn("external.weights"));

        using (var mapped = CompiledModel.Load(external))
        {
            // Mapped where the engine maps (64-bit Linux and macOS), read elsewhere; read when asked to.
            Assert.Equal((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Environment.Is64BitProcess, mapped.WeightsMapped);
        }
        using (var read = CompiledModel.Load(external, new CompiledModelOptions { MapWeights = false }))
        {
            Assert.False(read.WeightsMapped);
        }
        Assert.Equal(embedded, RunOnOurEngine(external, model));
        Assert.Equal(embedded, RunOnOurEngine(external, model, mapWeights: false));
        // The payload's size is not a whole number of pages: its last partial page was read, and nothing was written back.
        var metadata = ModelMetadata.Read(ModuleReader.Read(File.ReadAllBytes(external)));
        Assert.NotEqual(0, metadata.Weights!.Bytes % Environment.SystemPageSize);
        Assert.Equal(weightsBefore, File.ReadAllBytes(PathIn("external.weights")));
        Assert.Equal(metadata.Weights.Checksum, WeightsFile.Checksum(WeightsFile.ChecksumSeed, weightsBefore.AsSpan(WeightsFile.HeaderBytes)).ToString("x8"));
    }

    [Fact]
    public void WeightsFile_Checksum_IsFnv1aOverLittleEndianWords()
    {
        Compile("lenet5", "external", external: true);
        var file = File.ReadAllBytes(PathIn("external.weights"));
        // FNV-1a 32 (the public algorithm: offset basis 2166136261, prime 16777619), one step per u32 word.
        uint hash = 2166136261;
        for (var i = WeightsFile.HeaderBytes; i < file.Length; i += 4)
        {
            hash = unchecked((hash ^ BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(i))) * 16777619);
        }

        Assert.Equal("WASMNNWT", Encoding.ASCII.GetString(file, 0, 8));
        Assert.Equal(hash, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)));
        Assert.Equal(hash.ToString("x8"), ModelMetadata.Read(ModuleReader.Read(File.ReadAllBytes(PathIn("external.wasm")))).Weights!.Checksum);
    }

    [Fact]
    public void ExternalWeights_OnV8ThroughTheNpmLoader_MatchEmbeddedBitForBit()
    {
        Assert.True(NodeRunner.IsAvailable, "node is not installed");
        Compile("lenet5", "embedded", external: false);
        Compile("lenet5", "external", external: true);
        var package = new Uri(Path.Combine(TestPaths.RepoRoot, "js", "src", "index.js")).AbsoluteUri;
        var script = $$"""
            import { loadModel } from '{{package}}';
            import { readFileSync } from 'node:fs';
            const npy = readFileSync(process.argv[2]);
            const start = 10 + npy.readUInt16LE(8);
            const input = new Float32Array(new Uint8Array(npy.subarray(start)).buffer);
            const run = async (source, options) => (await loadModel(source, options)).runSync({ input }).output.data;
            const embedded = await run('embedded.wasm');
            for (const external of [await run('external.wasm'), await run(readFileSync('external.wasm'), { weights: new Response(readFileSync('external.weights')) })]) {
              if (Buffer.compare(Buffer.from(external.buffer), Buffer.from(embedded.buffer)) !== 0) throw new Error('outputs differ');
            }
            console.log('same');
            """;
        File.WriteAllText(PathIn("run.mjs"), script);

        var result = ProcessRunner.Run("node", [PathIn("run.mjs"), TestPaths.Model("lenet5.input.npy")], workingDirectory: _folder.FullName);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("same", result.Stdout.Trim());
    }

    [Theory]
    [InlineData(WasiBuildTests.Host.Wasmtime)]
    [InlineData(WasiBuildTests.Host.Node)]
    [InlineData(WasiBuildTests.Host.WasmNN)]
    public void ExternalWeights_WasiBuild_ReadsThemFromThePreopenedFolder(WasiBuildTests.Host host)
    {
        var embedded = Compile("lenet5", "embedded", external: false);
        Compile("lenet5", "model", external: true, wasi: true);
        File.Copy(TestPaths.Model("lenet5.input.npy"), PathIn("input.npy"));

        var result = RunWasi(host, "model.wasm", "input.npy", "output.npy");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal(RunOnOurEngine(embedded, "lenet5"), Npy.Read(PathIn("output.npy")).AsFloat32());
    }

    [Fact]
    public void ExternalWeights_WasiBuildWithoutItsWeights_FailsInOneLine()
    {
        Compile("lenet5", "model", external: true, wasi: true);
        File.Copy(TestPaths.Model("lenet5.input.npy"), PathIn("input.npy"));
        File.Delete(PathIn("model.weights"));

        var result = RunWasi(WasiBuildTests.Host.Wasmtime, "model.wasm", "input.npy", "output.npy");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("wasmnn: cannot open the weights file model.weights: ENOENT\n", result.Stderr);
        Assert.False(File.Exists(PathIn("output.npy")));
    }

    [Fact]
    public void ExternalWeights_AnotherModelsWeights_AreRefusedNamingBoth()
    {
        var lenet = Compile("lenet5", "lenet", external: true);
        Compile("squeezenet1_1", "squeezenet", external: true);

        var error = Assert.Throws<FormatException>(() => CompiledModel.Load(lenet, new CompiledModelOptions { WeightsPath = PathIn("squeezenet.weights") }));

        Assert.Contains("the weights of model 'squeezenet1_1'", error.Message);
        Assert.Contains("not of this module", error.Message);
    }

    [Fact]
    public void ExternalWeights_OneFlippedPayloadByte_FailsTheModulesChecksum()
    {
        var wasm = Compile("lenet5", "model", external: true);
        var weights = File.ReadAllBytes(PathIn("model.weights"));
        weights[WeightsFile.HeaderBytes + 1000] ^= 0x40;
        File.WriteAllBytes(PathIn("model.weights"), weights);

        var error = Assert.Throws<FormatException>(() => CompiledModel.Load(wasm));

        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void ExternalWeights_Truncated_IsRefused()
    {
        var wasm = Compile("lenet5", "model", external: true);
        var weights = File.ReadAllBytes(PathIn("model.weights"));
        File.WriteAllBytes(PathIn("model.weights"), weights[..^16]);

        var error = Assert.Throws<FormatException>(() => CompiledModel.Load(wasm));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void ExternalWeights_RunBeforeTheyAreChecked_ReturnsNotLoaded()
    {
        var wasm = Compile("lenet5", "model", external: true);
        var engine = new Engine.Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(ModuleReader.Read(File.ReadAllBytes(wasm))));

        var status = instance.GetFunction(ModelAbi.Run)!.AsDelegate<Func<int>>()();

        Assert.Equal(ModelAbi.WeightsNotLoaded, status);
    }

    private ProcessOutput RunWasi(WasiBuildTests.Host host, string wasm, params string[] arguments) =>
        WasiBuildTests.RunIn(_folder.FullName, host, wasm, arguments);
}
