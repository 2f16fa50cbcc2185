import psycopg2
import yaml

print(yaml.safe_dump({"psycopg2": psycopg2.__version__}))
