using NJsonSchema;
using NSwag;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Spartan.Api.Http;

/// <summary>Endpoint metadata: an optional integer query parameter the endpoint reads itself (<see cref="QueryArgs"/>), so
/// that the OpenAPI document lists it; routes without a request type have no other way to say so.</summary>
public sealed record QueryParameter(string Name, string Description);

/// <summary>Adds each endpoint's <see cref="QueryParameter"/>s to its OpenAPI operation.</summary>
internal sealed class QueryParameterProcessor : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        if (context is not AspNetCoreOperationProcessorContext aspNet) return true;
        foreach (var item in aspNet.ApiDescription.ActionDescriptor.EndpointMetadata)
        {
            if (item is not QueryParameter parameter) continue;
            context.OperationDescription.Operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                Kind = OpenApiParameterKind.Query,
                Description = parameter.Description,
                IsRequired = false,
                Schema = new JsonSchema { Type = JsonObjectType.Integer },
            });
        }

        return true;
    }
}
