// A payroll system's call to `avtal serve`, with nothing but the JDK
// (java.net.http, Java 11 or later). Usage:
//
//   javac AvtalClient.java
//   java AvtalClient http://127.0.0.1:8080 W1 record.json [TOKEN]
//
// It posts the JSON object in record.json to /v1/{entry} and prints the
// output record. A refusal is a problem document (application/problem+json);
// the client prints its code, field, detail and help to stderr and exits 1.

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

public class AvtalClient {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java AvtalClient BASE_URL ENTRY RECORD.json [TOKEN]");
            System.exit(2);
        }
        String base = args[0];
        String entry = URLEncoder.encode(args[1], StandardCharsets.UTF_8).replace("+", "%20");
        String record = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);

        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/" + entry))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(record, StandardCharsets.UTF_8));
        if (args.length > 3) {
            request.header("Authorization", "Bearer " + args[3]);
        }
        HttpResponse<String> response =
                client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

        // Which version of the agreement answered: keep it with the result.
        String version = response.headers().firstValue("Avtal-Version").orElse("?");
        if (response.statusCode() == 200) {
            System.out.println(response.body());
            System.err.println("answered by version " + version);
        } else {
            System.err.println("refused (" + response.statusCode() + "): " + response.body());
            System.exit(1);
        }
    }
}
