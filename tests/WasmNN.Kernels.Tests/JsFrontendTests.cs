using System.Text.Json;

namespace WasmNN.Kernels.Tests;

/// <summary>
/// The npm package's tensor frontend (js/src/ops.js, <c>loadOps</c>) on Node runs the same expressions as the C#
/// frontend and gets the same bits: both call the same kernels in the same order on V8 and on our engine.
/// </summary>
public sealed class JsFrontendTests
{
    private const string Script = """
        import { readFileSync } from 'node:fs';
        const [packageUrl, wasm] = process.argv.slice(2);
        const { loadOps } = await import(packageUrl);
        const ops = await loadOps(wasm);
        const input = JSON.parse(readFileSync(0, 'utf8'));
        const t = (data, dims, dtype) => ops.tensor(data, dims, dtype);
        const x = t(input.x, [3, 8]), w1 = t(input.w1, [8, 16]), b1 = t(input.b1, [16]), w2 = t(input.w2, [16, 5]);
        const mlp = ops.softmax(ops.matmul(ops.relu(ops.add(ops.matmul(x, w1), b1)), w2));
        const product = ops.mul(t(input.p, [4, 1, 6]), t(input.q, [5, 1]));
        const quantized = ops.matmul(t(input.qa, [3, 20], 'int8'), t(input.qb, [20, 7], 'int8'));
        const clamped = ops.maximum(ops.sub(t(input.ia, [9], 'int32'), t(input.ib, [9], 'int32')), t([0], [1], 'int32'));
        const out = (y) => ({ dims: [...y.dims], data: Array.from(y.data) });
        console.log(JSON.stringify({ mlp: out(mlp), product: out(product), quantized: out(quantized), clamped: out(clamped), live: ops.liveTensors }));
        """;

    [Fact]
    public void PackageOps_OnNode_MatchTheCSharpFrontendBitForBit()
    {
        var random = new Random(17);
        var x = TestData.Floats(random, 24);
        var w1 = TestData.Floats(random, 128);
        var b1 = TestData.Floats(random, 16);
        var w2 = TestData.Floats(random, 80);
        var p = TestData.Floats(random, 24);
        var q = TestData.Floats(random, 5);
        var qa = TestData.SBytes(random, 60);
        var qb = TestData.SBytes(random, 140);
        var ia = TestData.Ints(random, 9, -1000, 1000);
        var ib = TestData.Ints(random, 9, -1000, 1000);

        var package = new Uri(Path.Combine(RepositoryPaths.Root, "js", "src", "index.js")).AbsoluteUri;
        var input = JsonSerializer.Serialize(new { x, w1, b1, w2, p, q, qa = qa.Select(v => (int)v), qb = qb.Select(v => (int)v), ia, ib });
        var result = NodeScript.RunWithLibrary(Script, input, wasm => [package, wasm]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;

        using var ops = KernelLibrary.Load();
        using var tx = ops.FromArray(x, 3, 8);
        using var tw1 = ops.FromArray(w1, 8, 16);
        using var tb1 = ops.FromArray(b1, 16);
        using var tw2 = ops.FromArray(w2, 16, 5);
        using var mlp = (tx.MatMul(tw1) + tb1).Relu().MatMul(tw2).Softmax();
        using var tp = ops.FromArray(p, 4, 1, 6);
        using var tq = ops.FromArray(q, 5, 1);
        using var product = tp * tq;
        using var tqa = ops.FromArray(qa, 3, 20);
        using var tqb = ops.FromArray(qb, 20, 7);
        using var quantized = tqa.MatMul(tqb);
        using var tia = ops.FromArray(ia, 9);
        using var tib = ops.FromArray(ib, 9);
        using var zero = ops.FromArray(new[] { 0 }, 1);
        using var clamped = (tia - tib).Maximum(zero);

        AssertSame(mlp.Shape.ToArray(), mlp.ToArray(), root.GetProperty("mlp"), v => v.GetSingle());
        AssertSame(product.Shape.ToArray(), product.ToArray(), root.GetProperty("product"), v => v.GetSingle());
        AssertSame(quantized.Shape.ToArray(), quantized.ToArray(), root.GetProperty("quantized"), v => v.GetInt32());
        AssertSame(clamped.Shape.ToArray(), clamped.ToArray(), root.GetProperty("clamped"), v => v.GetInt32());
        // The script kept its tensors: nine inputs and intermediates of the MLP alone would be more than its outputs.
        Assert.True(root.GetProperty("live").GetInt32() > 4);
    }

    private static void AssertSame<T>(int[] shape, T[] expected, JsonElement actual, Func<JsonElement, T> read)
    {
        Assert.Equal(shape, actual.GetProperty("dims").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(expected, actual.GetProperty("data").EnumerateArray().Select(read));
    }
}
