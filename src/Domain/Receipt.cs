namespace Spartan.Domain;

/// <summary>Opaque token naming one reservation (SPEC §1, §2.3): 128 random bits, written as 32 hex digits.</summary>
public readonly record struct Receipt(Guid Value)
{
    public override string ToString() => Value.ToString("N");

    /// <summary>Reads a receipt a client sent back; anything that is not one of ours cannot match a reservation.</summary>
    public static bool TryParse(string? text, out Receipt receipt)
    {
        if (Guid.TryParseExact(text, "N", out var value))
        {
            receipt = new Receipt(value);
            return true;
        }

        receipt = default;
        return false;
    }
}
