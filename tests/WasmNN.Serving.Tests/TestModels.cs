using System.Text;
using WasmNN.Onnx;
using WasmNN.Compiler;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IO;

namespace WasmNN.Serving.Tests;

/// <summary>
/// The models the serving tests serve, compiled once per test run into a temporary folder: LeNet-5 exported by
/// PyTorch (../shared/models, with PyTorch's output), ONNX node tests (Add; Gather with int64 indices) with their
/// reference outputs, and <c>rows.wasm</c>, a hand-written module that doubles each of 4 rows and traps on a row
/// holding 1 or loops forever on one holding 2, to drive traps, time limits, the queue and batching.
/// </summary>
internal static class TestModels
{
    private static readonly Lazy<string> s_folder = new(Build);

    public static string Folder => s_folder.Value;

    public static string LeNet => Path.Combine(Folder, "lenet5.wasm");

    public static string Add => Path.Combine(Folder, "add.wasm");

    /// <summary>LeNet-5 with its weights in lenet5.external.weights beside it (<c>--weights external</c>).</summary>
    public static string LeNetExternalWeights => Path.Combine(Folder, "lenet5.external.wasm");

    public static string Gather => Path.Combine(Folder, "gather.wasm");

    public static string Rows => Path.Combine(Folder, "rows.wasm");

    public static string ToFloat16 => Path.Combine(Folder, "to_fp16.wasm");

    public static string FromFloat16 => Path.Combine(Folder, "from_fp16.wasm");

    public static string LeNetInputNpy => Path.Combine(RepositoryPaths.Shared, "models", "lenet5.input.npy");

    public static string LeNetOutputNpy => Path.Combine(RepositoryPaths.Shared, "models", "lenet5.output.npy");

    /// <summary>Input or output <paramref name="file"/> (input_0.pb...) of an ONNX node test's first data set.</summary>
    public static Compiler.IR.Tensor NodeTestTensor(string test, string file) =>
        OnnxTensors.ToTensor(OnnxModelLoader.LoadTensor(Path.Combine(NodeTest(test), "test_data_set_0", file)), file);

    public static float[] LeNetInput() => Npy.Read(LeNetInputNpy).AsFloat32();

    public static float[] LeNetOutput() => Npy.Read(LeNetOutputNpy).AsFloat32();

    private static string NodeTest(string name) => Path.Combine("/usr/share/libonnx-testdata/data/node", name);

    private static string Build()
    {
        var folder = Directory.CreateTempSubdirectory("wasmnn-serving-tests").FullName;
        ModelCompiler.Compile(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx")).WriteTo(Path.Combine(folder, "lenet5.wasm"));
        ModelCompiler.Compile(Path.Combine(RepositoryPaths.Shared, "models", "lenet5.onnx"), new CompileOptions { WeightsFile = "lenet5.external.weights" })
            .WriteTo(Path.Combine(folder, "lenet5.external.wasm"));
        ModelCompiler.Compile(Path.Combine(NodeTest("test_add"), "model.onnx")).WriteTo(Path.Combine(folder, "add.wasm"));
        ModelCompiler.Compile(Path.Combine(NodeTest("test_gather_0"), "model.onnx")).WriteTo(Path.Combine(folder, "gather.wasm"));
        ModelCompiler.Compile(Path.Combine(NodeTest("test_cast_FLOAT_to_FLOAT16"), "model.onnx")).WriteTo(Path.Combine(folder, "to_fp16.wasm"));
        ModelCompiler.Compile(Path.Combine(NodeTest("test_cast_FLOAT16_to_FLOAT"), "model.onnx")).WriteTo(Path.Combine(folder, "from_fp16.wasm"));
        File.WriteAllBytes(Path.Combine(folder, "rows.wasm"), WithMetadata(Assemble(RowsWat, folder), RowsMetadata));
        return folder;
    }

    private const string RowsWat = """
        (module
          (memory (export "memory") 1)
          (func (export "wasmnn_input_ptr") (param i32) (result i32) i32.const 0)
          (func (export "wasmnn_output_ptr") (param i32) (result i32) i32.const 1024)
          (func (export "wasmnn_run") (result i32) (local $i i32) (local $v f32)
            (block $done
              (loop $rows
                (br_if $done (i32.ge_u (local.get $i) (i32.const 4)))
                (local.set $v (f32.load (i32.shl (local.get $i) (i32.const 2))))
                (if (f32.eq (local.get $v) (f32.const 1)) (then unreachable))
                (if (f32.eq (local.get $v) (f32.const 2)) (then (loop $forever (br $forever))))
                (f32.store offset=1024 (i32.shl (local.get $i) (i32.const 2)) (f32.mul (local.get $v) (f32.const 2)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $rows)))
            i32.const 0))
        """;

    /// <summary>A batch dimension declared dynamic ("batch") and compiled for 4 rows: the server may batch this model.</summary>
    private const string RowsMetadata = """
        {"format":1,"model":"rows","compiler":"hand-written","inputs":[{"name":"x","dtype":"float32","shape":[4,1],"dim_params":["batch",null]}],"outputs":[{"name":"y","dtype":"float32","shape":[4,1]}],"operators":[]}
        """;

    private static byte[] Assemble(string wat, string folder)
    {
        var input = Path.Combine(folder, "rows.wat");
        var output = Path.Combine(folder, "rows.raw.wasm");
        File.WriteAllText(input, wat);
        var result = ProcessRunner.Run("wat2wasm", [input, "-o", output]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"wat2wasm failed: {result.Stderr}");
        return File.ReadAllBytes(output);
    }

    /// <summary>Appends a <c>wasmnn.meta</c> custom section (id 0, size, name, content), as the binary format defines it.</summary>
    private static byte[] WithMetadata(byte[] module, string json)
    {
        var name = Encoding.UTF8.GetBytes("wasmnn.meta");
        var content = Encoding.UTF8.GetBytes(json);
        var payload = new List<byte>();
        payload.AddRange(Leb(name.Length));
        payload.AddRange(name);
        payload.AddRange(content);
        return [.. module, 0, .. Leb(payload.Count), .. payload];
    }

    private static List<byte> Leb(int value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return bytes;
    }
}
