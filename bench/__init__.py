"""The build's speed and scale, measured against the bare tools and a peer (bench/bench.py).

One job a module: settings (paths, the fixed SOURCE_DATE_EPOCH), measure
(timing commands, memory), courses (the courses built and their edits), builds
(build.py's command line and what a build wrote), stages (a lesson's stages
reached through the build's own functions), floor (the bare tools), alone (the
parts alone in a fresh interpreter), marp (the peer and its commands), table (the rows and
their PASS/MISS), and a module for each section of the run; main runs them.
"""
