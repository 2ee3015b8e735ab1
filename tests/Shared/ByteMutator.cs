namespace WasmNN.Tests;

/// <summary>
/// Byte-level mutations for fuzzing parsers (after libFuzzer's and AFL's havoc stages): bit flips, interesting
/// bytes, LEB128 continuation bytes, inserted, deleted and duplicated runs, truncation. One to four per input.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[] s_interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x40, 0x41, 0x0B, 0x7B, 0xFD];

    /// <summary>A mutant of <paramref name="input"/>; with <paramref name="region"/>, mutations start inside that range
    /// (e.g. a module's code, not its weights).</summary>
    public static byte[] Mutate(ReadOnlySpan<byte> input, Random random, Range? region = null)
    {
        var bytes = new List<byte>(input.ToArray());
        var (start, length) = (region ?? Range.All).GetOffsetAndLength(bytes.Count);
        int count = 1 + random.Next(4);
        for (int i = 0; i < count; i++) MutateOnce(bytes, random, start, Math.Min(length, bytes.Count - start));
        return [.. bytes];
    }

    private static void MutateOnce(List<byte> bytes, Random random, int start, int length)
    {
        if (length <= 0)
        {
            bytes.Add((byte)random.Next(256));
            return;
        }
        int at = start + random.Next(length);
        // Mostly in-place changes: they keep section and body sizes intact, so the mutant gets past the framing into
        // the decoder's and validator's deeper paths; size-changing ones test the framing itself.
        switch (random.Next(12))
        {
            case 0 or 1 or 2: bytes[at] ^= (byte)(1 << random.Next(8)); break;
            case 3 or 4: bytes[at] = (byte)random.Next(256); break;
            case 5 or 6: bytes[at] = s_interesting[random.Next(s_interesting.Length)]; break;
            case 7: bytes[at] |= 0x80; break; // a LEB128 that runs on
            case 8: bytes.InsertRange(at, Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256))); break;
            case 9: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))); break;
            case 10:
                int runLength = Math.Min(bytes.Count - at, 1 + random.Next(32));
                bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, runLength));
                break;
            default: bytes.RemoveRange(at, bytes.Count - at); break;
        }
    }
}
