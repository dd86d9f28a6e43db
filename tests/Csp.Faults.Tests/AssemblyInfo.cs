// The cases kill processes and measure what survives: they run one at a time, each on its own platform.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
