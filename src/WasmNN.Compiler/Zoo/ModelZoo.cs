using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Zoo;

/// <summary>
/// Classic CNNs as ONNX models with seeded random weights (torchvision layouts, batch 1, 1000 classes), so tests
/// and benchmarks need no downloads. Same seed, same bytes.
/// </summary>
public static partial class ModelZoo
{
    /// <summary>LeNet-5 on 1x1x28x28: conv5x5(6)-relu-maxpool2-conv5x5(16)-relu-maxpool2-fc120-relu-fc84-relu-fc10.</summary>
    public static ModelProto LeNet5(int seed = 0)
    {
        var b = new OnnxModelBuilder("lenet5", seed);
        var x = b.Input("input", 1, 1, 28, 28);
        x = b.MaxPool(b.Relu(b.Conv(x, 1, 6, 5)), 2, 2);
        x = b.MaxPool(b.Relu(b.Conv(x, 6, 16, 5)), 2, 2);
        x = b.Relu(b.Linear(b.Flatten(x), 16 * 4 * 4, 120));
        x = b.Relu(b.Linear(x, 120, 84));
        b.Output(b.Linear(x, 84, 10), "output", 1, 10);
        return b.Build();
    }

    /// <summary>ResNet-50 (bottleneck blocks [3, 4, 6, 3]) on 1x3x224x224.</summary>
    public static ModelProto ResNet50(int seed = 0)
    {
        var b = new OnnxModelBuilder("resnet50", seed);
        var x = b.Input("input", 1, 3, 224, 224);
        x = b.Relu(b.BatchNorm(b.Conv(x, 3, 64, 7, stride: 2, pad: 3, bias: false), 64));
        x = b.MaxPool(x, 3, 2, pad: 1);
        var channels = 64;
        foreach (var (width, blocks, stride) in new[] { (64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2) })
        {
            for (var i = 0; i < blocks; i++)
            {
                var s = i == 0 ? stride : 1;
                var y = b.Relu(b.BatchNorm(b.Conv(x, channels, width, 1, bias: false), width));
                y = b.Relu(b.BatchNorm(b.Conv(y, width, width, 3, stride: s, pad: 1, bias: false), width));
                // A small last gamma keeps the residual sum from growing block after block.
                y = b.BatchNorm(b.Conv(y, width, width * 4, 1, bias: false), width * 4, gamma: 0.2);
                var shortcut = i == 0 ? b.BatchNorm(b.Conv(x, channels, width * 4, 1, stride: s, bias: false), width * 4) : x;
                x = b.Relu(b.Add(y, shortcut));
                channels = width * 4;
            }
        }
        b.Output(b.Linear(b.GlobalAveragePoolFlatten(x), 2048, 1000), "output", 1, 1000);
        return b.Build();
    }

    /// <summary>MobileNetV2 (width 1.0, inverted residuals with ReLU6 as Clip) on 1x3x224x224.</summary>
    public static ModelProto MobileNetV2(int seed = 0)
    {
        var b = new OnnxModelBuilder("mobilenet_v2", seed);
        var x = b.Input("input", 1, 3, 224, 224);
        x = b.Relu6(b.BatchNorm(b.Conv(x, 3, 32, 3, stride: 2, pad: 1, bias: false), 32));
        var channels = 32;
        foreach (var (expand, outChannels, repeats, stride) in new[] { (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1) })
        {
            for (var i = 0; i < repeats; i++)
            {
                var s = i == 0 ? stride : 1;
                var hidden = channels * expand;
                var y = x;
                if (expand != 1)
                {
                    y = b.Relu6(b.BatchNorm(b.Conv(y, channels, hidden, 1, bias: false), hidden));
                }
                y = b.Relu6(b.BatchNorm(b.Conv(y, hidden, hidden, 3, stride: s, pad: 1, group: hidden, bias: false), hidden));
                y = b.BatchNorm(b.Conv(y, hidden, outChannels, 1, bias: false), outChannels, gamma: 0.5);
                x = s == 1 && channels == outChannels ? b.Add(x, y) : y;
                channels = outChannels;
            }
        }
        x = b.Relu6(b.BatchNorm(b.Conv(x, channels, 1280, 1, bias: false), 1280));
        b.Output(b.Linear(b.GlobalAveragePoolFlatten(x), 1280, 1000), "output", 1, 1000);
        return b.Build();
    }

    /// <summary>SqueezeNet 1.1 (fire modules, ceil-mode max pools, conv classifier) on 1x3x224x224.</summary>
    public static ModelProto SqueezeNet11(int seed = 0)
    {
        var b = new OnnxModelBuilder("squeezenet1_1", seed);
        var x = b.Input("input", 1, 3, 224, 224);
        x = b.MaxPool(b.Relu(b.Conv(x, 3, 64, 3, stride: 2)), 3, 2, ceil: true);
        string Fire(string input, int inChannels, int squeeze, int expand)
        {
            var s = b.Relu(b.Conv(input, inChannels, squeeze, 1));
            return b.ConcatChannels(b.Relu(b.Conv(s, squeeze, expand, 1)), b.Relu(b.Conv(s, squeeze, expand, 3, pad: 1)));
        }
        x = Fire(Fire(x, 64, 16, 64), 128, 16, 64);
        x = b.MaxPool(x, 3, 2, ceil: true);
        x = Fire(Fire(x, 128, 32, 128), 256, 32, 128);
        x = b.MaxPool(x, 3, 2, ceil: true);
        x = Fire(Fire(Fire(Fire(x, 256, 48, 192), 384, 48, 192), 384, 64, 256), 512, 64, 256);
        x = b.Relu(b.Conv(x, 512, 1000, 1));
        b.Output(b.GlobalAveragePoolFlatten(x), "output", 1, 1000);
        return b.Build();
    }
}
