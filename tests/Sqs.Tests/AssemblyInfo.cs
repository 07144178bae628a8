// FastEndpoints keeps its configuration (service resolver, processors, binders) in static state, so two nodes
// built in one process at the same time would share one node's singletons. Each test class starts its own node,
// so classes run one after another.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
