mod cli_geojson;
