"""Base data: schema, readers, aggregation, cleaning, tariffs, elasticities, built datasets."""
