namespace Spartan.Api.Features.Sqs.Protocol;

/// <summary>
/// One SQS message attribute: its name, its DataType (<c>String</c>, <c>Number</c>, <c>Binary</c>, or one of them with
/// a <c>.custom</c> suffix) and the value, a string for String and Number types, bytes for Binary ones.
/// </summary>
public readonly record struct SqsAttributeValue(string Name, string DataType, string? StringValue, byte[]? BinaryValue);
