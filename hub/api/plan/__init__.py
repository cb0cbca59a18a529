"""The read planner: a GraphQL read compiled into one SQL statement per root field.

``catalog`` says where each published field lives in the database (with the ``kinds`` of
field and root it is made of), ``rules`` holds the row rule of every record type,
``compiler`` turns a selection into SQLAlchemy Core that builds the field's JSON inside the
database, ``roots`` and ``nearby`` make each root field's statement, ``journey`` finishes a
consignment in Python, ``execution`` runs the statements, and ``planner`` caches plans and
answers whole operations.
"""
