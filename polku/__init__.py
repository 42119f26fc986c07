"""The `polku` command: the whole system's composition root, which names the services
(shared/ never does): the CLI, `polku up`'s supervisor and embedded servers, `polku keys`."""
