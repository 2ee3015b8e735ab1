namespace WasmNN.Tests;

/// <summary>
/// Random damage to a valid file for the reader robustness properties (.npy, .onnx): bit flips, random bytes,
/// truncations, deleted and inserted bytes. Compiled into every test project (Directory.Build.props).
/// </summary>
internal static class ByteDamage
{
    /// <summary>
    /// <paramref name="original"/> with 1 to <paramref name="maxCount"/> random changes; two in three land within
    /// <paramref name="hotBytes"/> of the start or the end, where the headers and structure live.
    /// </summary>
    public static byte[] Apply(byte[] original, int seed, int maxCount = 4, int hotBytes = 4096, string? tokens = null)
    {
        var random = new Random(seed);
        var bytes = original.ToList();
        var count = 1 + random.Next(maxCount);
        for (var i = 0; i < count && bytes.Count > 0; i++)
        {
            var position = random.Next(3) switch
            {
                0 => random.Next(Math.Min(hotBytes, bytes.Count)),
                1 => Math.Max(0, bytes.Count - 1 - random.Next(Math.Min(hotBytes, bytes.Count))),
                _ => random.Next(bytes.Count),
            };
            switch (random.Next(tokens is null ? 5 : 6))
            {
                case 0: bytes[position] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[position] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(position, bytes.Count - position); break;
                case 3: bytes.RemoveAt(position); break;
                case 4: bytes.Insert(position, (byte)random.Next(256)); break;
                default: bytes[position] = (byte)tokens![random.Next(tokens.Length)]; break;
            }
        }
        return [.. bytes];
    }
}
