import CYaml

/// Baseline (b): libyaml's own event loop over a text already in memory: parse every event until
/// STREAM-END, deleting each one. What any reader built on libyaml pays at least.
enum LibyamlLoop {
    /// The number of events (so the work cannot be optimised away); -1 on a parse error.
    @inline(never)
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return -1 }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        return drain(&parser)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LibyamlLoop {
    /// Parses events until the end of the stream, deleting each: the whole baseline's work.
    static func drain(_ parser: inout yaml_parser_t) -> Int {
        var event = yaml_event_t()
        var count = 0
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return -1 }
            let end = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            count += 1
            if end { return count }
        }
    }

    /// The same loop reading the file itself (fopen + libyaml's file input), as a reader of case
    /// files on disk would.
    @inline(never)
    static func run(path: String) -> Int {
        guard let file = fopen(path, "rb") else { return -1 }
        defer { fclose(file) }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return -1 }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_file(&parser, file)
        return drain(&parser)
    }
}
