// FastEndpoints keeps its configuration in static state, so two nodes built in one process at the same time would
// share one node's singletons. Each test starts its own node, so tests run one after another.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
