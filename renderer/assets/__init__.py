"""Assets: the photo and logo of a request, found and decoded safely."""
