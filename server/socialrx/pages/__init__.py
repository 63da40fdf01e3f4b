"""Page services: the models behind the HTML pages and their RDF twins, kept out of the views."""
