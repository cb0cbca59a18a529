"""The read planner: a GraphQL read compiled into one SQL statement per root field.

``catalog`` says where each published field lives in the database, ``rules`` holds the row
rule of every record type, ``compiler`` turns a selection into SQLAlchemy Core that builds the
field's JSON inside the database, and ``planner`` caches plans and answers whole operations.
"""
