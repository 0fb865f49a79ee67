# Empty compiler generated dependencies file for test_pipeline.
# This may be replaced when dependencies are built.
