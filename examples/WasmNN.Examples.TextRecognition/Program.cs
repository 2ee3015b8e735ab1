using System.Diagnostics;
using WasmNN.Engine;
using WasmNN.Examples.TextRecognition;
using WasmNN.Runtime;
using WasmNN.Wasm;

// text-recognition MODEL.wasm ALPHABET.txt IMAGE.png...: prints each image (as terminal braille, so a person can
// check the answer without an image viewer) and the text the model reads in it.
// Exit codes: 0 read, 1 invalid model or image, 2 usage or unreadable file.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: text-recognition MODEL.wasm ALPHABET.txt IMAGE.png...");
    return 2;
}
try
{
    var alphabet = TextLineRecognizer.ReadAlphabet(args[1]);
    var clock = Stopwatch.StartNew();
    using var model = CompiledModel.Load(args[0]);
    var recognizer = new TextLineRecognizer(model, alphabet);
    Console.WriteLine($"{Path.GetFileName(args[0])}: input {recognizer.Height}x{recognizer.Width}, loaded in {clock.ElapsedMilliseconds} ms");
    foreach (var path in args[2..])
    {
        var image = PngImage.Read(path);
        Console.WriteLine();
        Console.WriteLine($"{path} ({image.Width}x{image.Height}):");
        Console.WriteLine(TerminalPreview.Render(image, columns: 100));
        clock.Restart();
        var result = recognizer.Recognize(image);
        Console.WriteLine($"read: \"{result.Text}\"  (confidence {result.Confidence:F3}, {clock.Elapsed.TotalMilliseconds:F0} ms)");
    }
    return 0;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"text-recognition: {e.Message}");
    return 2;
}
catch (Exception e) when (e is PngFormatException or WasmFormatException or WasmCompileException or ArgumentException or WasmTrapException or InvalidOperationException)
{
    Console.Error.WriteLine($"text-recognition: {e.Message}");
    return 1;
}
