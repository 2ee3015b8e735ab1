using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Zoo;

/// <summary>
/// The rest of the product's model list: VGG, DenseNet, GoogLeNet, ShuffleNetV2, EfficientNet-B0 and a transformer
/// encoder. Layouts follow torchvision's exports; where an input resolution or width is reduced (to keep the
/// reference-executor tests in seconds), the summary says so.
/// </summary>
public static partial class ModelZoo
{
    /// <summary>
    /// VGG-11 convolutions (configuration A: 64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M) on 1x3x64x64.
    /// Reduced: the 64x64 input leaves 512x2x2 features, and the classifier is 2048-512-512-1000 instead of
    /// 25088-4096-4096-1000 (the full classifier alone is 480 MB of weights).
    /// </summary>
    public static ModelProto Vgg11(int seed = 0)
    {
        var b = new OnnxModelBuilder("vgg11", seed);
        var x = b.Input("input", 1, 3, 64, 64);
        var channels = 3;
        foreach (var width in new[] { 64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0 })
        {
            if (width == 0)
            {
                x = b.MaxPool(x, 2, 2);
                continue;
            }
            x = b.Relu(b.Conv(x, channels, width, 3, pad: 1));
            channels = width;
        }
        x = b.Relu(b.Linear(b.Flatten(x), 512 * 2 * 2, 512));
        x = b.Relu(b.Linear(x, 512, 512));
        b.Output(b.Linear(x, 512, 1000), "output", 1, 1000);
        return b.Build();
    }

    /// <summary>
    /// DenseNet-121 (growth 32, bottleneck 4x, dense blocks [6, 12, 24, 16], transitions BN-ReLU-Conv1x1-AvgPool2)
    /// on 1x3x64x64 (reduced from 224: the last dense block runs at 2x2). Each layer concatenates all earlier
    /// feature maps, as torchvision's export does.
    /// </summary>
    public static ModelProto DenseNet121(int seed = 0)
    {
        const int growth = 32;
        var b = new OnnxModelBuilder("densenet121", seed);
        var x = b.Input("input", 1, 3, 64, 64);
        x = b.Relu(b.BatchNorm(b.Conv(x, 3, 64, 7, stride: 2, pad: 3, bias: false), 64));
        x = b.MaxPool(x, 3, 2, pad: 1);
        var channels = 64;
        int[] blocks = [6, 12, 24, 16];
        for (var block = 0; block < blocks.Length; block++)
        {
            List<string> features = [x];
            for (var layer = 0; layer < blocks[block]; layer++)
            {
                var inChannels = channels + layer * growth;
                var concatenated = features.Count == 1 ? features[0] : b.ConcatChannels([.. features]);
                var y = b.Conv(b.Relu(b.BatchNorm(concatenated, inChannels)), inChannels, 4 * growth, 1, bias: false);
                y = b.Conv(b.Relu(b.BatchNorm(y, 4 * growth)), 4 * growth, growth, 3, pad: 1, bias: false);
                features.Add(y);
            }
            x = b.ConcatChannels([.. features]);
            channels += blocks[block] * growth;
            if (block < blocks.Length - 1)
            {
                x = b.Conv(b.Relu(b.BatchNorm(x, channels)), channels, channels / 2, 1, bias: false);
                channels /= 2;
                x = b.AveragePool(x, 2, 2);
            }
        }
        x = b.Relu(b.BatchNorm(x, channels));
        b.Output(b.Linear(b.GlobalAveragePoolFlatten(x), channels, 1000), "output", 1, 1000);
        return b.Build();
    }

    /// <summary>
    /// GoogLeNet (Inception v1, torchvision's BasicConv2d = Conv-BN-ReLU, nine inception modules with parallel
    /// 1x1, 3x3, 5x5 and max-pool branches joined by Concat, no auxiliary heads) on 1x3x64x64 (reduced from 224).
    /// </summary>
    public static ModelProto GoogLeNet(int seed = 0)
    {
        var b = new OnnxModelBuilder("googlenet", seed);
        string BasicConv(string input, int inChannels, int outChannels, int kernel, int stride = 1, int pad = 0) =>
            b.Relu(b.BatchNorm(b.Conv(input, inChannels, outChannels, kernel, stride, pad, bias: false), outChannels));
        string Inception(string input, int inChannels, int c1, int c3Reduce, int c3, int c5Reduce, int c5, int poolProjection) =>
            b.ConcatChannels(
                BasicConv(input, inChannels, c1, 1),
                BasicConv(BasicConv(input, inChannels, c3Reduce, 1), c3Reduce, c3, 3, pad: 1),
                BasicConv(BasicConv(input, inChannels, c5Reduce, 1), c5Reduce, c5, 5, pad: 2),
                BasicConv(b.MaxPool(input, 3, 1, pad: 1, ceil: true), inChannels, poolProjection, 1));

        var x = b.Input("input", 1, 3, 64, 64);
        x = b.MaxPool(BasicConv(x, 3, 64, 7, stride: 2, pad: 3), 3, 2, ceil: true);
        x = BasicConv(BasicConv(x, 64, 64, 1), 64, 192, 3, pad: 1);
        x = b.MaxPool(x, 3, 2, ceil: true);
        x = Inception(Inception(x, 192, 64, 96, 128, 16, 32, 32), 256, 128, 128, 192, 32, 96, 64);
        x = b.MaxPool(x, 3, 2, ceil: true);
        x = Inception(x, 480, 192, 96, 208, 16, 48, 64);
        x = Inception(x, 512, 160, 112, 224, 24, 64, 64);
        x = Inception(x, 512, 128, 128, 256, 24, 64, 64);
        x = Inception(x, 512, 112, 144, 288, 32, 64, 64);
        x = Inception(x, 528, 256, 160, 320, 32, 128, 128);
        x = b.MaxPool(x, 2, 2, ceil: true);
        x = Inception(Inception(x, 832, 256, 160, 320, 32, 128, 128), 832, 384, 192, 384, 48, 128, 128);
        b.Output(b.Linear(b.GlobalAveragePoolFlatten(x), 1024, 1000), "output", 1, 1000);
        return b.Build();
    }

    /// <summary>
    /// ShuffleNetV2 x1.0 (stages [4, 8, 4] at widths 116, 232, 464; channel split by Split, channel shuffle by
    /// Reshape-Transpose-Reshape, depthwise 3x3 convs, ReduceMean head) on 1x3x96x96 (reduced from 224).
    /// </summary>
    public static ModelProto ShuffleNetV2(int seed = 0)
    {
        const int size = 96;
        var b = new OnnxModelBuilder("shufflenet_v2", seed);
        string ConvBnRelu(string input, int inChannels, int outChannels, int channels) =>
            b.Relu(b.BatchNorm(b.Conv(input, inChannels, outChannels, 1, bias: false), channels));
        // No ReLU follows the depthwise conv, so its He-scaled weights would double the variance unit after unit
        // (the identity half carries it on through the shuffles); gamma 0.5 keeps the activations near unit scale.
        string Depthwise(string input, int channels, int stride) =>
            b.BatchNorm(b.Conv(input, channels, channels, 3, stride, pad: 1, group: channels, bias: false), channels, gamma: 0.5);
        string Shuffle(string input, int channels, int height) =>
            b.Reshape(b.Transpose(b.Reshape(input, 1, 2, channels / 2, height, height), 0, 2, 1, 3, 4), 1, channels, height, height);

        var x = b.Input("input", 1, 3, size, size);
        x = b.Relu(b.BatchNorm(b.Conv(x, 3, 24, 3, stride: 2, pad: 1, bias: false), 24));
        x = b.MaxPool(x, 3, 2, pad: 1);
        var channels = 24;
        var height = size / 4;
        foreach (var (outChannels, repeats) in new[] { (116, 4), (232, 8), (464, 4) })
        {
            var half = outChannels / 2;
            height /= 2;
            var left = ConvBnRelu(Depthwise(x, channels, 2), channels, half, half);
            var right = ConvBnRelu(Depthwise(ConvBnRelu(x, channels, half, half), half, 2), half, half, half);
            x = Shuffle(b.ConcatChannels(left, right), outChannels, height);
            for (var i = 1; i < repeats; i++)
            {
                var halves = b.Split(x, 1, half, half);
                right = ConvBnRelu(Depthwise(ConvBnRelu(halves[1], half, half, half), half, 1), half, half, half);
                x = Shuffle(b.ConcatChannels(halves[0], right), outChannels, height);
            }
            channels = outChannels;
        }
        x = ConvBnRelu(x, channels, 1024, 1024);
        b.Output(b.Linear(b.SpatialMean(x), 1024, 1000), "output", 1, 1000);
        return b.Build();
    }

    /// <summary>
    /// EfficientNet-B0 (MBConv blocks with depthwise 3x3/5x5 convs, Swish as x*Sigmoid(x), squeeze-and-excitation
    /// GlobalAveragePool-Conv1x1-Swish-Conv1x1-Sigmoid-Mul at a quarter of the block's input width) on 1x3x96x96
    /// (reduced from 224).
    /// </summary>
    public static ModelProto EfficientNetB0(int seed = 0)
    {
        var b = new OnnxModelBuilder("efficientnet_b0", seed);
        var x = b.Input("input", 1, 3, 96, 96);
        x = b.Swish(b.BatchNorm(b.Conv(x, 3, 32, 3, stride: 2, pad: 1, bias: false), 32));
        var channels = 32;
        foreach (var (expand, kernel, stride, outChannels, repeats) in new[]
            { (1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1) })
        {
            for (var i = 0; i < repeats; i++)
            {
                var s = i == 0 ? stride : 1;
                var hidden = channels * expand;
                var y = x;
                if (expand != 1)
                {
                    y = b.Swish(b.BatchNorm(b.Conv(y, channels, hidden, 1, bias: false), hidden));
                }
                y = b.Swish(b.BatchNorm(b.Conv(y, hidden, hidden, kernel, stride: s, pad: kernel / 2, group: hidden, bias: false), hidden));
                var squeezed = Math.Max(1, channels / 4);
                var excitation = b.Swish(b.Conv(b.GlobalAveragePool(y), hidden, squeezed, 1));
                y = b.Mul(y, b.Sigmoid(b.Conv(excitation, squeezed, hidden, 1)));
                y = b.BatchNorm(b.Conv(y, hidden, outChannels, 1, bias: false), outChannels, gamma: 0.5);
                x = s == 1 && channels == outChannels ? b.Add(x, y) : y;
                channels = outChannels;
            }
        }
        x = b.Swish(b.BatchNorm(b.Conv(x, channels, 1280, 1, bias: false), 1280));
        b.Output(b.Linear(b.GlobalAveragePoolFlatten(x), 1280, 1000), "output", 1, 1000);
        return b.Build();
    }

    /// <summary>
    /// Two BERT-style (post-LayerNorm) transformer encoder layers on a 1x32x128 sequence: 4-head self-attention
    /// as MatMul-Softmax-MatMul with Reshape/Transpose head split, residual Adds, LayerNormalization, and a
    /// 512-wide feed-forward with exact GELU via Erf. Opset 17 (LayerNormalization).
    /// </summary>
    public static ModelProto TransformerEncoder(int seed = 0)
    {
        const int sequence = 32, model = 128, heads = 4, headSize = model / heads, feedForward = 512;
        var b = new OnnxModelBuilder("transformer_encoder", seed, opset: 17);
        string Heads(string input) => b.Transpose(b.Reshape(input, 1, sequence, heads, headSize), 0, 2, 1, 3);

        var x = b.Input("input", 1, sequence, model);
        for (var layer = 0; layer < 2; layer++)
        {
            var q = Heads(b.MatMulLinear(x, model, model));
            var kTransposed = b.Transpose(b.Reshape(b.MatMulLinear(x, model, model), 1, sequence, heads, headSize), 0, 2, 3, 1);
            var v = Heads(b.MatMulLinear(x, model, model));
            var attention = b.Softmax(b.Scale(b.MatMul(q, kTransposed), 1 / Math.Sqrt(headSize)));
            var context = b.Reshape(b.Transpose(b.MatMul(attention, v), 0, 2, 1, 3), 1, sequence, model);
            x = b.LayerNorm(b.Add(x, b.MatMulLinear(context, model, model)), model);
            var hidden = b.Gelu(b.MatMulLinear(x, model, feedForward));
            x = b.LayerNorm(b.Add(x, b.MatMulLinear(hidden, feedForward, model)), model);
        }
        b.Output(x, "output", 1, sequence, model);
        return b.Build();
    }
}
